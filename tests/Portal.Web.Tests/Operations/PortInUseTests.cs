using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Portal.Testing;

namespace Portal.Web.Tests.Operations;

/// <summary>The built portal and HGS, started as real processes on a port this test already holds.</summary>
public sealed class PortInUseTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"port-in-use-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public Task Portal_PortInUse_PrintsOneLineNamingPortAndSetting_AndExits2() =>
        AssertOneLineAsync("Portal.Web.dll", new() { ["Portal__DataFolder"] = _folder });

    [Fact]
    public Task Hgs_PortInUse_PrintsOneLineNamingPortAndSetting_AndExits2() =>
        AssertOneLineAsync("Portal.HostGuardian.dll", new()
        {
            ["Hgs__DataFolder"] = _folder,
            ["Hgs__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });

    private static async Task AssertOneLineAsync(string dll, Dictionary<string, string> environment)
    {
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        var port = ((IPEndPoint)held.LocalEndpoint).Port;

        var (exitCode, lines) = await RunAsync(dll, ["--urls", $"http://127.0.0.1:{port}"], environment);

        var output = string.Join('\n', lines);
        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        var line = Assert.Single(lines);
        Assert.Contains($"Port {port}", line, StringComparison.Ordinal);
        Assert.Contains("already in use", line, StringComparison.Ordinal);
        Assert.Contains("--urls", line, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, List<string> Lines)> RunAsync(string dll, string[] arguments, Dictionary<string, string> environment)
    {
        var start = BuiltProgram.StartInfo(dll, arguments,
            environment.Prepend(KeyValuePair.Create("ASPNETCORE_ENVIRONMENT", "Development")));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{dll} still runs after {Deadline} on a port in use:\n{await stdout}\n{await stderr}");
        }

        var lines = (await stdout + "\n" + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return (process.ExitCode, lines);
    }
}
