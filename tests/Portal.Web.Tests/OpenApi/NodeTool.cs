using System.Diagnostics;

namespace Portal.Web.Tests.OpenApi;

/// <summary>Runs an npm command-line tool (installed globally by ./test.sh) with a deadline, and fails clearly when it is missing.</summary>
internal static class NodeTool
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public sealed record Result(int ExitCode, string Output, string Errors);

    public static async Task<Result> RunAsync(string tool, string npmPackage, params string[] arguments)
    {
        var path = Find(tool);
        Assert.True(path is not null,
            $"'{tool}' is not installed. ./test.sh installs it (npm install -g {npmPackage}); or run that command yourself.");
        var start = new ProcessStartInfo(path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["REDOCLY_TELEMETRY"] = "off",
                ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
                ["NO_COLOR"] = "1",
            },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{tool}' did not finish within {Deadline.TotalMinutes:0} minutes.");
        }

        return new Result(process.ExitCode, await output, await errors);
    }

    private static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool))
            .FirstOrDefault(File.Exists);
}
