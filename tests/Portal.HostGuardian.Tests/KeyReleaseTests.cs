using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

public sealed class KeyReleaseTests : IDisposable
{
    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task Release_ExpiredCertificate_IsRefusedByHgsAndByTheAgent()
    {
        using var agent = await HealthyAgentAsync("host-expired");
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());
        var certificate = agent.Health.Current!.HealthCertificate!;
        _hgs.Time.Advance(TimeSpan.FromMinutes(11));

        var (status, refusal, _) = await Evidence.SendAsync(_hgs.CreateClient(), Evidence.Release(certificate, protector, agent.Transport, _hgs.Time.GetUtcNow()));
        var local = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(nameof(KeyReleaseRefusal.CertificateExpired), refusal);
        Assert.Equal(KeyReleaseRefusal.NotHealthy, local.Refusal);
        Assert.False(agent.Health.IsHealthy);
    }

    [Fact]
    public async Task Release_HostACertificatePresentedByHostB_IsRefused()
    {
        using var hostA = await HealthyAgentAsync("host-a");
        using var hostB = await HealthyAgentAsync("host-b");
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());
        var certificateOfA = hostA.Health.Current!.HealthCertificate!;

        // Host B signs the request with its own transport key: not the key A's certificate is bound to.
        var (status, refusal, _) = await Evidence.SendAsync(_hgs.CreateClient(), Evidence.Release(certificateOfA, protector, hostB.Transport, _hgs.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(nameof(KeyReleaseRefusal.TransportKeyMismatch), refusal);
    }

    [Fact]
    public async Task Release_ReplayedRequestOfHostA_GivesHostBNothingItCanUnwrap()
    {
        using var hostA = await HealthyAgentAsync("host-a2");
        using var hostB = await HealthyAgentAsync("host-b2");
        var (vmKey, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());

        // Host B captured a complete, validly signed request of host A and replays it: HGS wraps for A's key only.
        var captured = Evidence.Release(hostA.Health.Current!.HealthCertificate!, protector, hostA.Transport, _hgs.Time.GetUtcNow());
        var (status, _, released) = await Evidence.SendAsync(_hgs.CreateClient(), captured);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(hostB.Transport.Unwrap(released!.WrappedKey));
        Assert.Equal(vmKey, hostA.Transport.Unwrap(released.WrappedKey));
    }

    [Fact]
    public async Task Release_StaleProofTime_IsRefused()
    {
        using var agent = await HealthyAgentAsync("host-stale");
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());

        var request = Evidence.Release(agent.Health.Current!.HealthCertificate!, protector, agent.Transport, _hgs.Time.GetUtcNow() - TimeSpan.FromMinutes(6));
        var (_, refusal, _) = await Evidence.SendAsync(_hgs.CreateClient(), request);

        Assert.Equal(nameof(KeyReleaseRefusal.TransportKeyMismatch), refusal);
    }

    [Fact]
    public async Task Release_AfterHostRemoved_IsRefused()
    {
        using var agent = new TestAgent(_hgs, "host-removed");
        var registered = await _hgs.RegisterAsync(await agent.RegistrationAsync());
        Assert.Equal(AttestationStatus.Passed, (await agent.AttestAsync()).Status);
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());

        using var removed = await _hgs.CreateAdminClient().DeleteAsync($"{HgsRoutes.Admin}/hosts/{registered.Id}");
        var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));
        var again = await agent.AttestAsync();

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(KeyReleaseRefusal.HostNotRegistered, refused.Refusal);
        Assert.Equal(AttestationStatus.UnauthorizedHost, again.Status);
    }

    [Fact]
    public async Task Release_RevokedCertificate_IsRefused()
    {
        using var agent = await HealthyAgentAsync("host-revoked");
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());
        var serial = HealthCertificate.Read(agent.Health.Current!.HealthCertificate!).Serial;

        using var revoke = await _hgs.CreateAdminClient().PostAsJsonAsync($"{HgsRoutes.Admin}/certificates/{serial}/revoke", new RevokeCertificateRequest("host stolen"));
        var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(KeyReleaseRefusal.CertificateRevoked, refused.Refusal);
    }

    [Fact]
    public async Task Release_HostWhoseLatestAttestationFailed_IsRefused()
    {
        using var agent = await HealthyAgentAsync("host-relapsed");
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());
        var client = _hgs.CreateClient();
        var certificate = agent.Health.Current!.HealthCertificate!;

        // The host attests again and fails (a forged quote): its still-unexpired certificate no longer releases keys.
        var request = await Evidence.TpmAsync(agent, "host-relapsed", await Evidence.ChallengeAsync(client));
        var failed = await Evidence.SendAsync(client, request with { Tpm = request.Tpm! with { Signature = new byte[64] } });
        var (_, refusal, _) = await Evidence.SendAsync(client, Evidence.Release(certificate, protector, agent.Transport, _hgs.Time.GetUtcNow()));

        Assert.Equal(AttestationStatus.TpmError, failed.Status);
        Assert.Equal(nameof(KeyReleaseRefusal.HostNotHealthy), refusal);
    }

    [Fact]
    public async Task Release_CertificateSignedByAnotherKey_IsRefused()
    {
        using var agent = await HealthyAgentAsync("host-forged-cert");
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());
        var genuine = HealthCertificate.Read(agent.Health.Current!.HealthCertificate!);
        using var rogue = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var forged = HealthCertificate.Issue(Guid.NewGuid(), genuine.HostId, genuine.HostName, genuine.TransportKey.Span, genuine.Mode,
            _hgs.Time.GetUtcNow(), _hgs.Time.GetUtcNow().AddDays(30), rogue).ToArray();

        var (status, refusal, _) = await Evidence.SendAsync(_hgs.CreateClient(), Evidence.Release(forged, protector, agent.Transport, _hgs.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(nameof(KeyReleaseRefusal.CertificateInvalid), refusal);
    }

    [Fact]
    public async Task Release_ProtectorWithoutThisFabricsGuardian_IsRefused()
    {
        using var agent = await HealthyAgentAsync("host-other-fabric");
        var (_, protector) = TenantSide.NewProtector(TenantSide.OtherFabric.PublicKeys);

        var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));

        Assert.Equal(KeyReleaseRefusal.GuardianNotListed, refused.Refusal);
        Assert.Contains("not among the protector's guardians", refused.Message);
    }

    [Fact]
    public async Task Release_MalformedProtector_Is400()
    {
        using var agent = await HealthyAgentAsync("host-garbage");
        var garbage = RandomNumberGenerator.GetBytes(200);

        var (status, refusal, _) = await Evidence.SendAsync(_hgs.CreateClient(), Evidence.Release(agent.Health.Current!.HealthCertificate!, garbage, agent.Transport, _hgs.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(nameof(KeyReleaseRefusal.MalformedProtector), refusal);
    }

    [Fact]
    public async Task Release_NeverAttestedAgent_RefusesWithoutAskingHgs()
    {
        using var agent = new TestAgent(_hgs, "host-fresh");
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());

        var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));
        var audit = await _hgs.CreateAdminClient().GetFromJsonAsync<List<HgsAuditEntryDto>>($"{HgsRoutes.Admin}/audit");

        Assert.Equal(KeyReleaseRefusal.NotHealthy, refused.Refusal);
        Assert.DoesNotContain(audit!, e => e.Action.StartsWith("keys.release", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Release_EveryAttempt_IsAudited()
    {
        using var agent = await HealthyAgentAsync("host-audited");
        var fabric = await _hgs.FabricGuardianAsync();
        var (_, good) = TenantSide.NewProtector(fabric);
        var (_, foreign) = TenantSide.NewProtector(TenantSide.OtherFabric.PublicKeys);
        await agent.KeyRelease.ReleaseKeyProtectorAsync(good, CancellationToken.None);
        await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(foreign, CancellationToken.None));

        var audit = await _hgs.CreateAdminClient().GetFromJsonAsync<List<HgsAuditEntryDto>>($"{HgsRoutes.Admin}/audit");

        Assert.Contains(audit!, e => e.Action == "keys.release.key-protector" && e.Actor == "host:host-audited" && e.Outcome == "Succeeded"
            && e.Subject == $"key protector {KeyProtector.Read(good).Id}");
        Assert.Contains(audit!, e => e.Action == "keys.release.key-protector" && e.Outcome == nameof(KeyReleaseRefusal.GuardianNotListed));
        Assert.Contains(audit!, e => e.Action == "attest" && e.Subject.StartsWith("host-audited", StringComparison.Ordinal));
    }

    private async Task<TestAgent> HealthyAgentAsync(string name)
    {
        var agent = new TestAgent(_hgs, name);
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        Assert.Equal(AttestationStatus.Passed, (await agent.AttestAsync()).Status);
        return agent;
    }
}
