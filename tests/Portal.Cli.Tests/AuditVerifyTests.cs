using System.Net;
using System.Net.Sockets;

namespace Portal.Cli.Tests;

/// <summary>
/// <c>audit verify</c>'s own checks before and around talking to a portal; the chain itself is checked against a real
/// portal in Portal.E2E.Tests (AuditChainTests).
/// </summary>
public sealed class AuditVerifyTests : IDisposable
{
    private readonly CliWorkspace _w = new();

    [Theory]
    [InlineData("--token-file", "t")]
    [InlineData("--portal", "https://portal.example.com")]
    [InlineData("--portal", "not a url", "--token-file", "t")]
    [InlineData("--portal", "ftp://portal.example.com", "--token-file", "t")]
    [InlineData("--portal", "http://portal.example.com", "--token-file", "t")]
    [InlineData("--portal", "https://portal.example.com", "--token-file", "t", "--expect-head", "abc")]
    [InlineData("--portal", "https://portal.example.com", "--token", "tpat_secret")]
    public void WrongCommandLine_Exits2(params string[] args)
    {
        var result = _w.Run(["audit", "verify", .. args]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("audit verify --help", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void PlainHttp_IsRefusedExceptToThisMachine()
    {
        var remote = _w.Run("audit", "verify", "--portal", "http://portal.example.com", "--token-file", _w.Write("t", "tpat_x\n"));

        Assert.Contains("https", remote.Error);
    }

    [Fact]
    public void MissingTokenFile_Exits3()
    {
        var result = _w.Run("audit", "verify", "--portal", "https://portal.example.com", "--token-file", _w.PathOf("none.token"));

        Assert.Equal(ExitCodes.FileError, result.ExitCode);
    }

    [Fact]
    public void UnreachablePortal_Exits5_WithoutPrintingTheToken()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var token = _w.Write("admin.token", "tpat_do-not-print-me\n");

        var result = _w.Run("audit", "verify", "--portal", $"http://127.0.0.1:{port}", "--token-file", token);

        Assert.Equal(ExitCodes.PortalError, result.ExitCode);
        Assert.StartsWith($"tenantportal: error: cannot reach the portal at http://127.0.0.1:{port}/", result.Error);
        Assert.DoesNotContain("do-not-print-me", result.Error + result.Output);
    }

    [Fact]
    public void Help_ShowsTheCommandAndItsOptions()
    {
        var overview = _w.RunOk("--help");
        var help = _w.RunOk("audit", "verify", "--help");

        Assert.Contains("audit verify", overview.Output);
        Assert.Contains("5 portal unreachable", overview.Output);
        Assert.Contains("--portal URL --token-file FILE [--expect-head HASH]", help.Output);
    }

    public void Dispose() => _w.Dispose();
}
