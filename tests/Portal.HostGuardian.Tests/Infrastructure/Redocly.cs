using System.Diagnostics;
using System.Text.Json;

namespace Portal.HostGuardian.Tests.Infrastructure;

/// <summary>Runs <c>redocly lint</c> (npm @redocly/cli, recommended rules) on an OpenAPI document, bounded in time.</summary>
internal static class Redocly
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task<JsonDocument> LintAsync(string documentJson)
    {
        var executable = FindOnPath("redocly")
            ?? throw new Xunit.Sdk.XunitException(
                "redocly is not on PATH. ./test.sh installs it (npm install -g @redocly/cli@2.77.0); run ./test.sh or install it the same way.");
        var folder = Directory.CreateTempSubdirectory("hgs-openapi-").FullName;
        try
        {
            var file = Path.Combine(folder, "hgs-openapi.json");
            await File.WriteAllTextAsync(file, documentJson);
            var start = new ProcessStartInfo(executable)
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                ArgumentList = { "lint", file, "--format=json", "--extends=recommended" },
                Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("redocly did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"redocly lint did not finish within {Timeout}.");
            }

            var output = await stdout;
            try
            {
                return JsonDocument.Parse(output);
            }
            catch (JsonException)
            {
                throw new Xunit.Sdk.XunitException($"redocly lint (exit {process.ExitCode}) did not answer JSON.\n{output}\n{await stderr}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string? FindOnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
