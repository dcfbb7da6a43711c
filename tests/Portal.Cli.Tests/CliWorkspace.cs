using Microsoft.Extensions.Time.Testing;

namespace Portal.Cli.Tests;

/// <summary>A temporary folder to run the tool in, in-process through <see cref="CliApp.Run"/>.</summary>
public sealed class CliWorkspace : IDisposable
{
    public CliWorkspace()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tenantportal-cli-").FullName;
    }

    public string Directory { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    public string Write(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    public string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    public CliResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error, Time);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs and fails the test with the tool's own error line when the exit code is not 0.</summary>
    public CliResult RunOk(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == ExitCodes.Success, $"{string.Join(' ', args)} → {result.ExitCode}: {result.Error}");
        return result;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test for it would hide the real result.
        }
    }
}

public sealed record CliResult(int ExitCode, string Output, string Error);
