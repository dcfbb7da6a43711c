using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Tpm;
using Portal.HostAgent.Tpm.Tpm2;

namespace Portal.HostAgent.Tests.Tpm;

public sealed class TpmOptionsTests : IAsyncLifetime
{
    private readonly SwtpmHosts _hosts = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _hosts.DisposeAsync().AsTask();

    [Fact]
    public void Defaults_AreTheSoftwareTpm_TheKernelsResourceManager_And15Seconds()
    {
        using var host = Build([]);

        var options = host.Services.GetRequiredService<IOptions<TpmOptions>>().Value;

        Assert.Equal(TpmKind.Software, options.Kind);
        Assert.Equal("/dev/tpmrm0", options.DevicePath);
        Assert.Null(options.SwtpmAddress);
        Assert.Equal(TimeSpan.FromSeconds(15), options.CommandTimeout);
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "tpm", "swtpm-ca")), options.CertificateAuthorityFolder("data"));
    }

    [Fact]
    public void TheSectionIsBound_FromHostAgentTpm()
    {
        using var host = Build(new()
        {
            ["HostAgent:Tpm:Kind"] = "Swtpm",
            ["HostAgent:Tpm:SwtpmAddress"] = "127.0.0.1:2321",
            ["HostAgent:Tpm:SwtpmCertificateAuthorityFolder"] = "/srv/ca",
            ["HostAgent:Tpm:CommandTimeout"] = "00:00:30",
        });

        var options = host.Services.GetRequiredService<IOptions<TpmOptions>>().Value;

        Assert.Equal(TpmKind.Swtpm, options.Kind);
        Assert.False(options.ManagesSwtpm);
        Assert.Equal(("127.0.0.1", 2321), TpmOptions.ParseSwtpmAddress(options.SwtpmAddress));
        Assert.Equal("/srv/ca", options.CertificateAuthorityFolder("data"));
        Assert.Equal(TimeSpan.FromSeconds(30), options.CommandTimeout);
    }

    [Fact]
    public async Task ADevicePathThatDoesNotExist_StopsTheStart_WithAClearMessage()
    {
        using var host = Build(new() { ["HostAgent:Tpm:Kind"] = "Device", ["HostAgent:Tpm:DevicePath"] = "/dev/no-such-tpmrm9" });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(_ct));

        Assert.Contains("HostAgent:Tpm:DevicePath: /dev/no-such-tpmrm9 does not exist", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65535")]
    [InlineData(":2321")]
    public async Task ASwtpmAddressThatIsNotHostAndPort_StopsTheStart(string address)
    {
        using var host = Build(new() { ["HostAgent:Tpm:Kind"] = "Swtpm", ["HostAgent:Tpm:SwtpmAddress"] = address });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(_ct));

        Assert.Contains($"HostAgent:Tpm:SwtpmAddress '{address}' is not host:port", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTpmItself_RefusesToStart_OnAMissingDevice_WithTheSameMessage()
    {
        var tpm = _hosts.Tpm("host-a", o =>
        {
            o.Kind = TpmKind.Device;
            o.DevicePath = "/dev/no-such-tpmrm9";
        });

        var refused = await Assert.ThrowsAsync<TpmException>(() => tpm.InitializeAsync(_ct));

        Assert.Contains("HostAgent:Tpm:DevicePath: /dev/no-such-tpmrm9 does not exist", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => tpm.EndorsementKey);
    }

    [Fact]
    public async Task AnSwtpmAddressWhereNothingListens_FailsSayingTheTpmCannotBeReached()
    {
        var port = FreePortPair();
        var tpm = _hosts.Tpm("host-a", o => o.SwtpmAddress = $"127.0.0.1:{port}");

        var refused = await Assert.ThrowsAsync<TpmException>(() => tpm.InitializeAsync(_ct));

        Assert.Contains($"could not reach the TPM at swtpm:host=127.0.0.1,port={port}", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("tpm2_flushcontext failed", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATpmThatNeverAnswers_FailsAfterTheCommandTimeout_NotNever()
    {
        var port = FreePortPair();
        using var server = new TcpListener(IPAddress.Loopback, port);
        using var control = new TcpListener(IPAddress.Loopback, port + 1);
        server.Start();
        control.Start();
        var tpm = _hosts.Tpm("host-a", o =>
        {
            o.SwtpmAddress = $"127.0.0.1:{port}";
            o.CommandTimeout = TimeSpan.FromSeconds(1);
        });

        var refused = await Assert.ThrowsAsync<TpmException>(() => tpm.InitializeAsync(_ct));

        Assert.Equal($"tpm2_flushcontext did not finish within 1 s (TPM swtpm:host=127.0.0.1,port={port}).", refused.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x05, 0xFF, 0xFF }, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x05 })]
    [InlineData(new byte[] { 0x30, 0x81, 0x01, 0x00, 0x00 }, new byte[] { 0x30, 0x81, 0x01, 0x00 })]
    [InlineData(new byte[] { 0x30, 0x82, 0x00, 0x02, 0x01, 0x02 }, new byte[] { 0x30, 0x82, 0x00, 0x02, 0x01, 0x02 })]
    public void AnEkCertificateInNv_IsCutToItsDerLength(byte[] nv, byte[] der) => Assert.Equal(der, DerCertificate.Trim(nv));

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x30, 0x05, 0x01 })]
    [InlineData(new byte[] { 0x30, 0x80, 0x01 })]
    [InlineData(new byte[] { 0x30 })]
    public void NvThatHoldsNoCertificate_GivesNone(byte[] nv) => Assert.Null(DerCertificate.Trim(nv));

    private static int FreePortPair()
    {
        while (true)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            using var second = new TcpListener(IPAddress.Loopback, port + 1);
            try
            {
                second.Start();
                return port;
            }
            catch (SocketException)
            {
            }
            finally
            {
                second.Stop();
                first.Stop();
            }
        }
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTpmOptions();
        return builder.Build();
    }
}
