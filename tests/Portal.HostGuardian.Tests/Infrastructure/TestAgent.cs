using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Tpm;

namespace Portal.HostGuardian.Tests.Infrastructure;

/// <summary>
/// A host agent's attestation side, registered exactly as Portal.HostAgent registers it (<c>AddHostAttestation</c>),
/// talking to the test HGS in memory, with its own data folder (its own software TPM keys) and the shared fake clock.
/// </summary>
public sealed class TestAgent : IDisposable
{
    private readonly IHost _host;

    public TestAgent(HgsTestHost? hgs, string hostName, AttestationMode mode = AttestationMode.TpmTrusted,
        Action<Dictionary<string, string?>>? configure = null, TimeProvider? time = null)
    {
        Name = hostName;
        DataFolder = Directory.CreateTempSubdirectory("agent-test-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["HostAgent:HostName"] = hostName,
            ["HostAgent:DataFolder"] = DataFolder,
            ["HostAgent:AttestationMode"] = mode.ToString(),
            ["HostAgent:HgsUrl"] = hgs is null ? null : "http://localhost/",
        };
        configure?.Invoke(settings);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddHostAttestation();
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton(time ?? hgs?.Time ?? TimeProvider.System);
        if (hgs is not null)
        {
            builder.Services.AddHttpClient(HgsClient.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new NetworkSwitch(this) { InnerHandler = hgs.Server.CreateHandler() });
        }

        _host = builder.Build();
    }

    public string Name { get; }

    public string DataFolder { get; }

    /// <summary>When set, every request to HGS fails as a refused connection would.</summary>
    public bool NetworkDown { get; set; }

    public IHostHealth Health => _host.Services.GetRequiredService<IHostHealth>();

    public IKeyReleaseClient KeyRelease => _host.Services.GetRequiredService<IKeyReleaseClient>();

    public ITpm Tpm => _host.Services.GetRequiredService<ITpm>();

    public HostTransportKey Transport => _host.Services.GetRequiredService<HostTransportKey>();

    public Task<AttestationOutcome> AttestAsync() => Health.AttestNowAsync(CancellationToken.None);

    /// <summary>What the HGS admin registers for this host.</summary>
    public async Task<RegisterHostRequest> RegistrationAsync() => (await Health.GetIdentityAsync(CancellationToken.None)).ToRegistration();

    /// <summary>Credential activation of this host's AK, by hand: what the agent does before its first TPM attestation.</summary>
    public async Task ActivateAsync(HgsTestHost hgs)
    {
        await Tpm.InitializeAsync(CancellationToken.None);
        var client = new HgsClient(hgs.CreateClient());
        var challenge = await client.BeginActivationAsync(
            new ActivationRequest(Name, Tpm.EndorsementKey.ToArray(), Tpm.AttestationKey.ToArray()), CancellationToken.None);
        var secret = await Tpm.ActivateCredentialAsync(new TpmCredential(challenge.CredentialBlob, challenge.EncryptedSecret), CancellationToken.None);
        await client.CompleteActivationAsync(challenge.Id, new ActivationAnswer(secret), CancellationToken.None);
    }

    public void Dispose()
    {
        _host.Dispose();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private sealed class NetworkSwitch(TestAgent agent) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            agent.NetworkDown
                ? throw new HttpRequestException("Connection refused (test network down).")
                : base.SendAsync(request, cancellationToken);
    }
}
