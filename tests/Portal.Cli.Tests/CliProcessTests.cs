using System.Diagnostics;

namespace Portal.Cli.Tests;

/// <summary>The built tool run as a real process (<c>dotnet tenantportal.dll</c>): exit codes and streams as a shell sees them.</summary>
public class CliProcessTests(CliFixture files) : IClassFixture<CliFixture>
{
    private static readonly string ToolPath = Path.Combine(AppContext.BaseDirectory, "tenantportal.dll");

    [Fact]
    public async Task RealProcess_PdkShow_PrintsMetadataAndExits0()
    {
        var (code, output, error) = await RunAsync("pdk", "show", files.Pdk);

        Assert.True(code == 0, error);
        Assert.Contains("Owner signature: valid", output);
        Assert.DoesNotContain(CliFixture.PasswordMarker, output);
    }

    [Fact]
    public async Task RealProcess_WrongInputs_GiveTheirExitCodes()
    {
        var usage = await RunAsync("pdk", "new", "--policy", "Shielded");
        var missing = await RunAsync("vsc", "show", Path.Combine(files.Workspace.Directory, "nope.vsc"));
        var refused = await RunAsync("pdk", "open", files.Pdk, "--guardian", files.Stranger);

        Assert.Equal(2, usage.Code);
        Assert.Equal(3, missing.Code);
        Assert.Equal(4, refused.Code);
        Assert.All(new[] { usage, missing, refused }, r => Assert.StartsWith("tenantportal: error: ", r.Error));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        Assert.True(File.Exists(ToolPath), $"{ToolPath} was not built next to the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
