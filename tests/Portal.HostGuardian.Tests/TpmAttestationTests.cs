using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

/// <summary>
/// TPM-trusted attestation with the software TPM, which makes real TPM 2.0 structures: every way the evidence can be
/// forged, replayed, redirected or mis-measured is refused with its status and reason, and audited.
/// </summary>
public sealed class TpmAttestationTests : IDisposable
{
    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task Attest_HealthyHost_ActivatesItsKeyOnce_AndPassesWithACertificateBoundToItsTransportKey()
    {
        using var agent = new TestAgent(_hgs, "host-good");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        var signer = await _hgs.SignerAsync();

        var outcome = await agent.AttestAsync();
        var again = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.Passed, outcome.Status);
        Assert.Equal(AttestationStatus.Passed, again.Status);
        Assert.True(agent.Health.IsHealthy);
        var certificate = HealthCertificate.Verify(outcome.HealthCertificate, signer.PublicKey, _hgs.Time.GetUtcNow());
        Assert.Equal("host-good", certificate.HostName);
        Assert.Equal(AttestationMode.TpmTrusted, certificate.Mode);
        Assert.Equal(agent.Health.TransportKeyThumbprint, certificate.TransportKeyThumbprint);
        Assert.Equal(_hgs.Time.GetUtcNow() + TimeSpan.FromMinutes(10), certificate.ExpiresAt);
        Assert.Single(await AuditAsync("activate-ak"), e => e.Outcome == "Succeeded");
    }

    [Fact]
    public async Task Attest_BitFlippedSignature_IsTpmError_NeverOnlyLogged()
    {
        using var agent = await ActivatedAgentAsync("host-forged");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-forged", await Evidence.ChallengeAsync(client));
        var forged = (byte[])request.Tpm!.Signature.Clone();
        forged[^5] ^= 0x01;

        var outcome = await Evidence.SendAsync(client, request with { Tpm = request.Tpm with { Signature = forged } });

        AssertRefused(outcome, AttestationStatus.TpmError, "signature does not verify");
        Assert.Contains(await AuditAsync("attest"), e => e.Outcome == nameof(AttestationStatus.TpmError) && e.Detail!.Contains("signature"));
    }

    [Fact]
    public async Task Attest_BitFlippedQuote_IsTpmError()
    {
        using var agent = await ActivatedAgentAsync("host-flipped");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-flipped", await Evidence.ChallengeAsync(client));
        var quote = (byte[])request.Tpm!.Quote.Clone();
        quote[^1] ^= 0x80;

        var outcome = await Evidence.SendAsync(client, request with { Tpm = request.Tpm with { Quote = quote } });

        AssertRefused(outcome, AttestationStatus.TpmError, "signature does not verify");
    }

    [Fact]
    public async Task Attest_QuoteOverAnotherNonce_IsRefusedAsAReplay()
    {
        using var agent = await ActivatedAgentAsync("host-replay");
        var client = _hgs.CreateClient();
        var old = await Evidence.TpmAsync(agent, "host-replay", await Evidence.ChallengeAsync(client));
        var fresh = await Evidence.ChallengeAsync(client);

        var outcome = await Evidence.SendAsync(client, old with { Nonce = fresh });

        AssertRefused(outcome, AttestationStatus.TpmError, "another nonce");
    }

    [Fact]
    public async Task Attest_QuoteForAnotherTransportKey_IsTpmError()
    {
        using var agent = await ActivatedAgentAsync("host-swap");
        using var attacker = new TestAgent(_hgs, "attacker");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-swap", await Evidence.ChallengeAsync(client));

        // The quote's extraData binds the host's transport key; claiming the attacker's key does not match it.
        var outcome = await Evidence.SendAsync(client, request with { TransportKey = attacker.Transport.PublicKey.ToArray() });

        AssertRefused(outcome, AttestationStatus.TpmError, "another transport key");
    }

    [Fact]
    public async Task Attest_SameEvidenceTwice_SecondIsRefused()
    {
        using var agent = await ActivatedAgentAsync("host-twice");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-twice", await Evidence.ChallengeAsync(client));

        var first = await Evidence.SendAsync(client, request);
        var replayed = await Evidence.SendAsync(client, request);

        Assert.Equal(AttestationStatus.Passed, first.Status);
        AssertRefused(replayed, AttestationStatus.TpmError, "already used");
    }

    [Fact]
    public async Task Attest_NonceNeverIssued_IsRefused()
    {
        using var agent = await ActivatedAgentAsync("host-made-up-nonce");

        var outcome = await Evidence.SendAsync(_hgs.CreateClient(), await Evidence.TpmAsync(agent, "host-made-up-nonce", AttestationNonce.Create()));

        AssertRefused(outcome, AttestationStatus.TpmError, "unknown, expired or already used");
    }

    [Fact]
    public async Task Attest_ExpiredNonce_IsRefused()
    {
        using var agent = await ActivatedAgentAsync("host-slow");
        var client = _hgs.CreateClient();
        var nonce = await Evidence.ChallengeAsync(client);
        _hgs.Time.Advance(TimeSpan.FromMinutes(3));

        var outcome = await Evidence.SendAsync(client, await Evidence.TpmAsync(agent, "host-slow", nonce));

        AssertRefused(outcome, AttestationStatus.TpmError, "unknown, expired or already used");
    }

    [Fact]
    public async Task Attest_UnregisteredEndorsementKey_IsUnauthorizedHost_AndItsKeyIsNotActivated()
    {
        using var agent = new TestAgent(_hgs, "host-unknown");

        var outcome = await agent.AttestAsync();

        AssertRefused(outcome, AttestationStatus.UnauthorizedHost, "not registered");
        Assert.False(agent.Health.IsHealthy);
        Assert.Contains(await AuditAsync("activate-ak"), e => e.Outcome == "Refused");
    }

    [Fact]
    public async Task Attest_AttestationKeyNeverActivated_IsUnauthorizedHost()
    {
        using var agent = new TestAgent(_hgs, "host-unactivated");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        var client = _hgs.CreateClient();

        var outcome = await Evidence.SendAsync(client, await Evidence.TpmAsync(agent, "host-unactivated", await Evidence.ChallengeAsync(client)));

        AssertRefused(outcome, AttestationStatus.UnauthorizedHost, "never activated");
    }

    [Fact]
    public async Task Attest_AttestationKeyActivatedForAnotherHostsEndorsementKey_IsUnauthorizedHost()
    {
        using var victim = await ActivatedAgentAsync("host-victim");
        using var attacker = await ActivatedAgentAsync("host-attacker");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(attacker, "host-victim", await Evidence.ChallengeAsync(client));

        // The attacker's own TPM quotes honestly, but claims to be the victim by sending the victim's EK.
        var outcome = await Evidence.SendAsync(client, request with { Tpm = request.Tpm! with { EndorsementKey = victim.Tpm.EndorsementKey.ToArray() } });

        AssertRefused(outcome, AttestationStatus.UnauthorizedHost, "activated for another host");
    }

    [Fact]
    public async Task Attest_QuoteFromAnotherTpm_IsRefused()
    {
        using var host = await ActivatedAgentAsync("host-real");
        using var other = await ActivatedAgentAsync("host-other");
        var client = _hgs.CreateClient();
        var nonce = await Evidence.ChallengeAsync(client);
        var genuine = await Evidence.TpmAsync(host, "host-real", nonce);
        var foreign = await Evidence.TpmAsync(other, "host-real", nonce);

        // The host's EK and AK, with a quote (and its signature) another TPM made.
        var outcome = await Evidence.SendAsync(client, genuine with
        {
            Tpm = genuine.Tpm! with { Quote = foreign.Tpm!.Quote, Signature = foreign.Tpm.Signature, Pcrs = foreign.Tpm.Pcrs },
            TransportKey = other.Transport.PublicKey.ToArray(),
        });

        AssertRefused(outcome, AttestationStatus.TpmError, "signature does not verify");
    }

    [Fact]
    public async Task Activation_AnsweredWithTheWrongSecret_IsRefusedAndAudited_AndCannotBeRetried()
    {
        using var agent = new TestAgent(_hgs, "host-guess");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.Tpm.InitializeAsync(CancellationToken.None);
        var client = _hgs.CreateClient();
        using var begun = await client.PostAsJsonAsync(HgsRoutes.Activation,
            new ActivationRequest("host-guess", agent.Tpm.EndorsementKey.ToArray(), agent.Tpm.AttestationKey.ToArray()));
        var challenge = (await begun.Content.ReadFromJsonAsync<ActivationChallenge>())!;

        using var guessed = await client.PostAsJsonAsync($"{HgsRoutes.Activation}/{challenge.Id}", new ActivationAnswer(new byte[32]));
        using var retried = await client.PostAsJsonAsync($"{HgsRoutes.Activation}/{challenge.Id}", new ActivationAnswer(new byte[32]));

        Assert.Equal(HttpStatusCode.Forbidden, guessed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, retried.StatusCode);
        Assert.Contains(await AuditAsync("activate-ak"), e => e.Outcome == "Refused" && e.Detail!.Contains("not the credential's secret"));
        var outcome = await Evidence.SendAsync(client, await Evidence.TpmAsync(agent, "host-guess", await Evidence.ChallengeAsync(client)));
        AssertRefused(outcome, AttestationStatus.UnauthorizedHost, "never activated");
    }

    [Fact]
    public async Task Activation_CredentialForAnotherTpm_DoesNotOpen()
    {
        using var host = new TestAgent(_hgs, "host-cred");
        using var other = new TestAgent(_hgs, "host-cred-other");
        await _hgs.RegisterAsync(await host.RegistrationAsync());
        await host.Tpm.InitializeAsync(CancellationToken.None);
        await other.Tpm.InitializeAsync(CancellationToken.None);
        var challenge = await new Portal.HostAgent.Attestation.HgsClient(_hgs.CreateClient()).BeginActivationAsync(
            new ActivationRequest("host-cred", host.Tpm.EndorsementKey.ToArray(), host.Tpm.AttestationKey.ToArray()), CancellationToken.None);

        await Assert.ThrowsAsync<Portal.HostAgent.Tpm.TpmException>(() => other.Tpm.ActivateCredentialAsync(
            new Core.Attestation.Tpm.TpmCredential(challenge.CredentialBlob, challenge.EncryptedSecret), CancellationToken.None));
    }

    [Fact]
    public async Task Activation_OfAKeyThatIsNotARestrictedSigningKey_IsRefused()
    {
        using var agent = new TestAgent(_hgs, "host-ek-as-ak");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.Tpm.InitializeAsync(CancellationToken.None);

        // The EK decrypts; were it accepted as an AK, its holder could sign anything that looks like a quote.
        using var response = await _hgs.CreateClient().PostAsJsonAsync(HgsRoutes.Activation,
            new ActivationRequest("host-ek-as-ak", agent.Tpm.EndorsementKey.ToArray(), agent.Tpm.EndorsementKey.ToArray()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("restricted signing key", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Attest_PcrValuesThatAreNotTheQuotedOnes_IsTpmError()
    {
        using var agent = await ActivatedAgentAsync("host-pcr-lie");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-pcr-lie", await Evidence.ChallengeAsync(client));
        var pcrs = request.Tpm!.Pcrs.Select(p => p.Index == 7 ? p with { Digest = new byte[32] } : p).ToList();

        var outcome = await Evidence.SendAsync(client, request with { Tpm = request.Tpm with { Pcrs = pcrs } });

        AssertRefused(outcome, AttestationStatus.TpmError, "PCR values");
    }

    [Fact]
    public async Task Attest_EventLogThatDoesNotReplayToTheQuote_FailsTcgLogVerification()
    {
        using var agent = await ActivatedAgentAsync("host-tampered", s => s["HostAgent:Simulate:TamperBootLog"] = "true");

        var outcome = await agent.AttestAsync();

        AssertRefused(outcome, AttestationStatus.InsecureHostConfiguration, "does not replay");
        Assert.Equal(AttestationSubStatus.TcgLogVerification, outcome.SubStatus);
    }

    [Fact]
    public async Task Attest_SecureBootClaimedOnInTheLogButMeasuredOff_FailsTcgLogVerification()
    {
        using var agent = await ActivatedAgentAsync("host-edited", s => s["HostAgent:Simulate:SecureBootOff"] = "true");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-edited", await Evidence.ChallengeAsync(client));
        var log = TcgEventLog.Parse(request.Tpm!.EventLog);
        var edited = TcgEventLog.Of(log.Events.Select(e => IsSecureBootVariable(e) ? e with { Data = WithLastByte(e.Data, 1) } : e).ToList());

        var outcome = await Evidence.SendAsync(client, request with { Tpm = request.Tpm with { EventLog = edited.ToBytes() } });

        AssertRefused(outcome, AttestationStatus.InsecureHostConfiguration, "TCG log verification failed");
        Assert.Equal(AttestationSubStatus.TcgLogVerification, outcome.SubStatus);
    }

    [Fact]
    public async Task Attest_SecureBootOff_IsInsecureHostConfigurationSecureBoot()
    {
        using var agent = await ActivatedAgentAsync("host-sb-off", s => s["HostAgent:Simulate:SecureBootOff"] = "true");

        var outcome = await agent.AttestAsync();

        AssertRefused(outcome, AttestationStatus.InsecureHostConfiguration, "Secure Boot");
        Assert.Equal(AttestationSubStatus.SecureBoot, outcome.SubStatus);
        Assert.Contains("PCR 7", outcome.Reason);
    }

    [Fact]
    public async Task Attest_UnknownCodeIntegrityPolicy_IsInsecureHostConfiguration()
    {
        using var agent = await ActivatedAgentAsync("host-ci", s => s["HostAgent:Simulate:UnknownCodeIntegrityPolicy"] = "true");

        var outcome = await agent.AttestAsync();

        AssertRefused(outcome, AttestationStatus.InsecureHostConfiguration, "code-integrity policy");
        Assert.Equal(AttestationSubStatus.CodeIntegrityPolicy, outcome.SubStatus);
    }

    [Fact]
    public async Task Attest_SeveralMisconfigurations_ReportsEachSubStatus()
    {
        using var agent = await ActivatedAgentAsync("host-many", s =>
        {
            s["HostAgent:Simulate:SecureBootOff"] = "true";
            s["HostAgent:Simulate:IommuOff"] = "true";
            s["HostAgent:Simulate:UnknownCodeIntegrityPolicy"] = "true";
        });

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationSubStatus.SecureBoot | AttestationSubStatus.Iommu | AttestationSubStatus.CodeIntegrityPolicy, outcome.SubStatus);
    }

    [Fact]
    public async Task Attest_VerificationThatThrows_FailsClosed()
    {
        using var agent = await ActivatedAgentAsync("host-store-broken");
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_hgs.DataFolder, "hgs.db")}"))
        {
            await connection.OpenAsync();
            await using var corrupt = connection.CreateCommand();
            corrupt.CommandText = "UPDATE \"TpmBaselines\" SET \"PcrDigest\" = 'X', \"Pcrs\" = 'not json'";
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        var outcome = await agent.AttestAsync();

        AssertRefused(outcome, AttestationStatus.TpmError, "could not verify");
        Assert.False(agent.Health.IsHealthy);
        Assert.Contains(await AuditAsync("attest"), e => e.Outcome == nameof(AttestationStatus.TpmError) && e.Detail!.Contains("could not verify"));
    }

    [Fact]
    public async Task Attest_EveryVerdict_IsInHistoryWithItsReason()
    {
        using var good = await ActivatedAgentAsync("host-history-good");
        using var bad = await ActivatedAgentAsync("host-history-bad", s => s["HostAgent:Simulate:SecureBootOff"] = "true");
        await good.AttestAsync();
        await bad.AttestAsync();

        var history = await _hgs.CreateAdminClient().GetFromJsonAsync<List<AttestationRecordDto>>($"{HgsRoutes.Admin}/attestations");

        Assert.Contains(history!, r => r.HostName == "host-history-good" && r.Status == AttestationStatus.Passed && r.CertificateSerial is not null);
        Assert.Contains(history!, r => r.HostName == "host-history-bad" && r.Status == AttestationStatus.InsecureHostConfiguration
            && r.SubStatus == AttestationSubStatus.SecureBoot && r.Reason.Contains("Secure Boot"));
    }

    private static void AssertRefused(AttestationOutcome outcome, AttestationStatus status, string reason)
    {
        Assert.Equal(status, outcome.Status);
        Assert.Contains(reason, outcome.Reason);
        Assert.Null(outcome.HealthCertificate);
    }

    private static bool IsSecureBootVariable(TcgEvent e) =>
        e.EventType == TcgEventType.EfiVariableDriverConfig && System.Text.Encoding.Unicode.GetString(e.Data).Contains("SecureBoot");

    private static byte[] WithLastByte(byte[] data, byte value)
    {
        var copy = (byte[])data.Clone();
        copy[^1] = value;
        return copy;
    }

    private async Task<TestAgent> ActivatedAgentAsync(string name, Action<Dictionary<string, string?>>? configure = null)
    {
        var agent = new TestAgent(_hgs, name, configure: configure);
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.ActivateAsync(_hgs);
        return agent;
    }

    private async Task<List<HgsAuditEntryDto>> AuditAsync(string action) =>
        (await _hgs.CreateAdminClient().GetFromJsonAsync<List<HgsAuditEntryDto>>($"{HgsRoutes.Admin}/audit?take=500"))!
        .Where(e => e.Action == action).ToList();
}
