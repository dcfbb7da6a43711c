using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

public sealed class TpmAttestationTests : IDisposable
{
    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task Attest_ForgedQuoteSignature_IsTpmError()
    {
        using var agent = await RegisteredAgentAsync("host-forged");
        var client = _hgs.CreateClient();
        var request = Evidence.Tpm(agent.Tpm, "host-forged", await Evidence.ChallengeAsync(client));
        var forged = (byte[])request.Tpm!.Signature.Clone();
        forged[10] ^= 0x01;

        var outcome = await Evidence.SendAsync(client, request with { Tpm = request.Tpm with { Signature = forged } });

        Assert.Equal(AttestationStatus.TpmError, outcome.Status);
        Assert.Contains("signature", outcome.Reason);
        Assert.Null(outcome.HealthCertificate);
    }

    [Fact]
    public async Task Attest_QuoteForAnotherTransportKey_IsTpmError()
    {
        using var agent = await RegisteredAgentAsync("host-swap");
        using var attacker = new TestAgent(_hgs, "attacker");
        var client = _hgs.CreateClient();
        var request = Evidence.Tpm(agent.Tpm, "host-swap", await Evidence.ChallengeAsync(client));

        // The quote signed the host's transport key; claiming the attacker's key breaks the signature.
        var outcome = await Evidence.SendAsync(client, request with { TransportKey = attacker.Tpm.TransportKey.ToArray() });

        Assert.Equal(AttestationStatus.TpmError, outcome.Status);
    }

    [Fact]
    public async Task Attest_UnregisteredEndorsementKey_IsUnauthorizedHost()
    {
        using var agent = new TestAgent(_hgs, "host-unknown");

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.UnauthorizedHost, outcome.Status);
        Assert.Contains("not registered", outcome.Reason);
        Assert.False(agent.Health.IsHealthy);
    }

    [Fact]
    public async Task Attest_ReplayedNonce_IsRefused()
    {
        using var agent = await RegisteredAgentAsync("host-replay");
        var client = _hgs.CreateClient();
        var request = Evidence.Tpm(agent.Tpm, "host-replay", await Evidence.ChallengeAsync(client));

        var first = await Evidence.SendAsync(client, request);
        var replayed = await Evidence.SendAsync(client, request);

        Assert.Equal(AttestationStatus.Passed, first.Status);
        Assert.Equal(AttestationStatus.TpmError, replayed.Status);
        Assert.Contains("already used", replayed.Reason);
        Assert.Null(replayed.HealthCertificate);
    }

    [Fact]
    public async Task Attest_NonceNeverIssued_IsRefused()
    {
        using var agent = await RegisteredAgentAsync("host-made-up-nonce");

        var outcome = await Evidence.SendAsync(_hgs.CreateClient(), Evidence.Tpm(agent.Tpm, "host-made-up-nonce", AttestationNonce.Create()));

        Assert.Equal(AttestationStatus.TpmError, outcome.Status);
    }

    [Fact]
    public async Task Attest_ExpiredNonce_IsRefused()
    {
        using var agent = await RegisteredAgentAsync("host-slow");
        var client = _hgs.CreateClient();
        var nonce = await Evidence.ChallengeAsync(client);
        _hgs.Time.Advance(TimeSpan.FromMinutes(3));

        var outcome = await Evidence.SendAsync(client, Evidence.Tpm(agent.Tpm, "host-slow", nonce));

        Assert.Equal(AttestationStatus.TpmError, outcome.Status);
    }

    [Fact]
    public async Task Attest_SecureBootOff_IsInsecureHostConfigurationSecureBoot()
    {
        using var agent = await RegisteredAgentAsync("host-sb-off", s => s["HostAgent:Simulate:SecureBootOff"] = "true");

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.InsecureHostConfiguration, outcome.Status);
        Assert.Equal(AttestationSubStatus.SecureBoot, outcome.SubStatus);
        Assert.Contains("Secure Boot", outcome.Reason);
        Assert.False(agent.Health.IsHealthy);
    }

    [Fact]
    public async Task Attest_TamperedBootLog_FailsTcgLogVerification()
    {
        using var agent = await RegisteredAgentAsync("host-tampered", s => s["HostAgent:Simulate:TamperBootLog"] = "true");

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.TpmError, outcome.Status);
        Assert.Equal(AttestationSubStatus.TcgLogVerification, outcome.SubStatus);
    }

    [Fact]
    public async Task Attest_BootLogEventEditedWithoutRehash_FailsTcgLogVerification()
    {
        using var agent = await RegisteredAgentAsync("host-edited", s => s["HostAgent:Simulate:SecureBootOff"] = "true");
        var client = _hgs.CreateClient();
        var request = Evidence.Tpm(agent.Tpm, "host-edited", await Evidence.ChallengeAsync(client));
        var log = request.Tpm!.BootLog.Select(e => e.Type == "SecureBoot" ? e with { Data = "Enabled" } : e).ToList();

        var outcome = await Evidence.SendAsync(client, request with { Tpm = request.Tpm with { BootLog = log } });

        Assert.Equal(AttestationSubStatus.TcgLogVerification, outcome.SubStatus);
        Assert.NotEqual(AttestationStatus.Passed, outcome.Status);
    }

    [Fact]
    public async Task Attest_UnknownCodeIntegrityPolicy_IsInsecureHostConfiguration()
    {
        using var agent = await RegisteredAgentAsync("host-ci", s => s["HostAgent:Simulate:UnknownCodeIntegrityPolicy"] = "true");

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.InsecureHostConfiguration, outcome.Status);
        Assert.Equal(AttestationSubStatus.CodeIntegrityPolicy, outcome.SubStatus);
    }

    [Fact]
    public async Task Attest_SeveralMisconfigurations_ReportsEachSubStatus()
    {
        using var agent = await RegisteredAgentAsync("host-many", s =>
        {
            s["HostAgent:Simulate:SecureBootOff"] = "true";
            s["HostAgent:Simulate:IommuOff"] = "true";
            s["HostAgent:Simulate:UnknownCodeIntegrityPolicy"] = "true";
        });

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationSubStatus.SecureBoot | AttestationSubStatus.Iommu | AttestationSubStatus.CodeIntegrityPolicy, outcome.SubStatus);
    }

    [Fact]
    public async Task Attest_HealthyHost_PassesWithShortLivedCertificateBoundToItsTransportKey()
    {
        using var agent = await RegisteredAgentAsync("host-good");
        var signer = await _hgs.SignerAsync();

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.Passed, outcome.Status);
        Assert.True(agent.Health.IsHealthy);
        var certificate = HealthCertificate.Verify(outcome.HealthCertificate, signer.PublicKey, _hgs.Time.GetUtcNow());
        Assert.Equal("host-good", certificate.HostName);
        Assert.Equal(AttestationMode.TpmTrusted, certificate.Mode);
        Assert.Equal(agent.Health.TransportKeyThumbprint, certificate.TransportKeyThumbprint);
        Assert.Equal(_hgs.Time.GetUtcNow() + TimeSpan.FromMinutes(10), certificate.ExpiresAt);
        Assert.Equal(certificate.ExpiresAt, outcome.ValidUntil);
    }

    [Fact]
    public async Task Attest_EveryVerdict_IsInHistoryWithItsReason()
    {
        using var good = await RegisteredAgentAsync("host-history-good");
        using var bad = await RegisteredAgentAsync("host-history-bad", s => s["HostAgent:Simulate:SecureBootOff"] = "true");
        await good.AttestAsync();
        await bad.AttestAsync();

        var history = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<Core.Attestation.Protocol.AttestationRecordDto>>(
            _hgs.CreateAdminClient(), $"{Core.Attestation.Protocol.HgsRoutes.Admin}/attestations");

        Assert.Contains(history!, r => r.HostName == "host-history-good" && r.Status == AttestationStatus.Passed && r.CertificateSerial is not null);
        Assert.Contains(history!, r => r.HostName == "host-history-bad" && r.Status == AttestationStatus.InsecureHostConfiguration
            && r.SubStatus == AttestationSubStatus.SecureBoot && r.Reason.Contains("Secure Boot"));
    }

    private async Task<TestAgent> RegisteredAgentAsync(string name, Action<Dictionary<string, string?>>? configure = null)
    {
        var agent = new TestAgent(_hgs, name, configure: configure);
        await _hgs.RegisterAsync(agent.Health.Identity.ToRegistration());
        return agent;
    }
}
