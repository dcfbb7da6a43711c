using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Infrastructure.Credentials;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.FabricAgents;

public sealed class FabricAgentApiTests(FabricTestApp app) : IClassFixture<FabricTestApp>
{
    [Fact]
    public async Task Join_UnknownToken_Returns401()
    {
        var response = await TestAgent.Named(app).JoinAsync("tpjt_" + new string('x', 43));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Join_MalformedToken_Returns401()
    {
        var response = await TestAgent.Named(app).JoinAsync("let-me-in");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Join_UsedToken_Returns409_AndMakesNoSecondHost()
    {
        var token = await app.JoinTokenAsync(await app.AdminAsync());
        Assert.True((await TestAgent.Named(app).JoinAsync(token)).IsSuccessStatusCode);

        var again = await TestAgent.Named(app).JoinAsync(token);

        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already been used", problem.GetProperty("detail").GetString());
        var hash = FabricSecret.Hash(token);
        var tokenRow = await app.WithDbAsync(db => db.HostJoinTokens.SingleAsync(t => t.SecretHash == hash));
        Assert.Equal(1, await app.WithDbAsync(db => db.GuardedHosts.CountAsync(h => h.Id == tokenRow.HostId)));
    }

    [Fact]
    public async Task Join_ExpiredToken_Returns409()
    {
        var (token, secret) = HostJoinToken.Issue(TimeSpan.FromMinutes(1), null, DateTimeOffset.UtcNow.AddMinutes(-5));
        await app.WithDbAsync(db =>
        {
            db.HostJoinTokens.Add(token);
            return db.SaveChangesAsync();
        });

        var response = await TestAgent.Named(app).JoinAsync(secret);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Join_TwoHostsRacingWithOneToken_OnlyOneJoins()
    {
        var token = await app.JoinTokenAsync(await app.AdminAsync());

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TestAgent.Named(app).JoinAsync(token)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
    }

    [Fact]
    public async Task Join_Valid_HostIsPending_CredentialAndTokenStoredOnlyAsHashes()
    {
        var admin = await app.AdminAsync();
        var token = await app.JoinTokenAsync(admin);
        var agent = TestAgent.Named(app);

        var joined = (await (await agent.JoinAsync(token)).Content.ReadFromJsonAsync<JoinResponse>(OffersJson.Options))!;

        Assert.StartsWith("tphc_", joined.Credential);
        var host = await app.HostAsync(joined.HostId);
        Assert.Equal(HostState.Pending, host.State);
        Assert.Equal(FabricSecret.Hash(joined.Credential), host.CredentialHash);
        Assert.Equal(Convert.ToBase64String(agent.TransportKey), host.TransportKey);
        var dump = await app.WithDbAsync(async db => string.Join("|",
            (await db.GuardedHosts.AsNoTracking().ToListAsync()).Select(h => $"{h.CredentialPrefix}{Convert.ToBase64String(h.CredentialHash)}")
            .Concat((await db.HostJoinTokens.AsNoTracking().ToListAsync()).Select(t => $"{t.Prefix}{Convert.ToBase64String(t.SecretHash)}"))
            .Concat(await db.AuditEntries.Select(a => a.Target).ToListAsync())));
        Assert.DoesNotContain(joined.Credential, dump);
        Assert.DoesNotContain(token, dump);
    }

    [Fact]
    public async Task Heartbeat_WithoutOrWithWrongCredential_Returns401()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());
        var anonymous = app.Anonymous();
        var body = new HeartbeatRequest(agent.HostId, TestAgent.Capacity, HostResources.Zero, [], null, "1");

        var none = await anonymous.PostAsJsonAsync(FabricRoutes.Heartbeat, body, OffersJson.Options);
        agent.UseCredential("tphc_" + new string('A', 43));
        var wrong = await agent.BeatAsync();
        agent.UseCredential("tpat_" + new string('A', 43));
        var apiToken = await agent.BeatAsync();

        await none.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await apiToken.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Null((await app.HostAsync(agent.HostId)).LastHeartbeatAt);
    }

    [Fact]
    public async Task Heartbeat_AdminsApiToken_IsNotAHostCredential()
    {
        var admin = await app.AdminAsync();
        var agent = await TestAgent.JoinedAsync(app, admin);

        var response = await admin.PostAsJsonAsync(FabricRoutes.Heartbeat,
            new HeartbeatRequest(agent.HostId, TestAgent.Capacity, HostResources.Zero, [], null, "1"), OffersJson.Options);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Heartbeat_HostAClaimingHostBsId_IsRefused()
    {
        var admin = await app.AdminAsync();
        var hostA = await TestAgent.JoinedAsync(app, admin);
        var hostB = await TestAgent.JoinedAsync(app, admin);

        var response = await hostA.BeatAsync(claimedHostId: hostB.HostId);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Null((await app.HostAsync(hostB.HostId)).LastHeartbeatAt);
        Assert.Null((await app.HostAsync(hostA.HostId)).LastHeartbeatAt);
    }

    [Fact]
    public async Task Heartbeat_HostsCredential_IsRemembered_SoTheNextBeatNeedsNoLookup()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());
        var cache = app.App.Services.GetRequiredService<KnownCredentials>();

        await agent.BeatOkAsync();
        await agent.BeatOkAsync();

        Assert.Equal(agent.HostId, cache.Find<HostHolder>(FabricSecret.Hash(agent.Credential))?.Id);
    }

    [Fact]
    public async Task Heartbeat_RemovedHost_CanNoLongerBeat()
    {
        var admin = await app.AdminAsync();
        var agent = await TestAgent.JoinedAsync(app, admin);
        await agent.BeatOkAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/v1/fabric/hosts/{agent.HostId}")).StatusCode);
        var after = await agent.BeatAsync();

        var problem = await after.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("removed", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Heartbeat_First_MakesHostActive_WithCapacityUsageAndVms()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());

        var answer = await agent.BeatOkAsync();

        Assert.Equal(HostState.Active, answer.State);
        var host = await app.HostAsync(agent.HostId);
        Assert.Equal(TestAgent.Capacity, host.Capacity);
        Assert.Equal(new HostResources(4, 16, 80), host.Used);
        Assert.Equal((2, 1), (host.VmCount, host.RunningVmCount));
        Assert.NotNull(host.LastHeartbeatAt);
        Assert.Equal(AttestationStatus.NotConfigured, host.AttestationStatus);
    }

    [Fact]
    public async Task Heartbeat_ReportsItsHypervisorAndTpm_ShownToTheProvider()
    {
        var admin = await app.AdminAsync();
        var agent = await TestAgent.JoinedAsync(app, admin);

        using var response = await agent.Client.PostAsJsonAsync(FabricRoutes.Heartbeat, new HeartbeatRequest(
            agent.HostId, TestAgent.Capacity, HostResources.Zero, [], null, "1",
            new HypervisorReport("QEMU", "TCG (KVM probe: no guest output within 15 s)", "7.2.22"),
            "swtpm 0.7.1 at 127.0.0.1:40211 (managed)\nforged line"), OffersJson.Options);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var shown = (await admin.GetItemsAsync<FabricHostDto>("/api/admin/v1/fabric/hosts")).Single(h => h.Id == agent.HostId);
        Assert.Equal(("QEMU 7.2.22", "TCG (KVM probe: no guest output within 15 s)"), (shown.Hypervisor, shown.Acceleration));
        Assert.Equal("swtpm 0.7.1 at 127.0.0.1:40211 (managed) forged line", shown.Tpm);
    }

    [Fact]
    public async Task Heartbeat_VerifiedCertificate_IsRecordedPassed_AndHealthyForShieldedVms()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());

        var answer = await agent.BeatOkAsync(agent.Passed(app.Certificate(agent)));

        Assert.Equal(AttestationStatus.Passed, answer.RecordedAttestation);
        var host = await app.HostAsync(agent.HostId);
        Assert.NotNull(host.HealthCertificateExpiresAt);
        Assert.True(host.IsHealthyForShieldedVms(DateTimeOffset.UtcNow, GuardedHost.DefaultStaleAfter));
    }

    [Fact]
    public async Task Heartbeat_CertificateSignedByAnotherKey_IsNotPassed()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var answer = await agent.BeatOkAsync(agent.Passed(app.Certificate(agent, forger)));

        Assert.Equal(AttestationStatus.TpmError, answer.RecordedAttestation);
        Assert.Contains("another key", answer.AttestationReason);
        Assert.False((await app.HostAsync(agent.HostId)).HasValidHealthCertificate(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Heartbeat_AlteredCertificate_IsNotPassed()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());
        var certificate = app.Certificate(agent, validFor: TimeSpan.FromHours(1));
        // The expiry sits 8 + 32 bytes before the end's signer thumbprint and signature; push it further out.
        certificate[^(96 + 32 + 2)] ^= 0x01;

        var answer = await agent.BeatOkAsync(agent.Passed(certificate));

        Assert.NotEqual(AttestationStatus.Passed, answer.RecordedAttestation);
    }

    [Fact]
    public async Task Heartbeat_GarbageCertificate_IsNotPassed()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());

        var answer = await agent.BeatOkAsync(agent.Passed(Encoding.ASCII.GetBytes("THCT trust me, I am healthy")));

        Assert.Equal(AttestationStatus.TpmError, answer.RecordedAttestation);
    }

    [Fact]
    public async Task Heartbeat_PassedWithoutCertificate_IsNotPassed()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());

        var answer = await agent.BeatOkAsync(new AttestationReport(AttestationStatus.Passed, AttestationSubStatus.None, "ok", null, agent.TransportKey));

        Assert.Equal(AttestationStatus.TpmError, answer.RecordedAttestation);
    }

    [Fact]
    public async Task Heartbeat_ExpiredCertificate_IsRecordedExpired()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());
        var certificate = app.Certificate(agent, validFor: TimeSpan.FromMinutes(30), issuedAt: DateTimeOffset.UtcNow.AddHours(-2));

        var answer = await agent.BeatOkAsync(agent.Passed(certificate));

        Assert.Equal(AttestationStatus.Expired, answer.RecordedAttestation);
    }

    [Fact]
    public async Task Heartbeat_HostBPresentingHostAsCertificate_IsUnauthorizedHost()
    {
        var admin = await app.AdminAsync();
        var hostA = await TestAgent.JoinedAsync(app, admin);
        var hostB = await TestAgent.JoinedAsync(app, admin);
        var certificateOfA = app.Certificate(hostA);

        var withOwnKey = await hostB.BeatOkAsync(hostB.Passed(certificateOfA));
        var claimingAsKey = await hostB.BeatOkAsync(hostB.Passed(certificateOfA, hostA.TransportKey));

        Assert.Equal(AttestationStatus.UnauthorizedHost, withOwnKey.RecordedAttestation);
        Assert.Equal(AttestationStatus.UnauthorizedHost, claimingAsKey.RecordedAttestation);
        Assert.Contains("another host", claimingAsKey.AttestationReason);
    }

    [Fact]
    public async Task Heartbeat_ReportedFailure_IsRecordedAsReported_WithReasonAndSince()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());
        await agent.BeatOkAsync(agent.Passed(app.Certificate(agent)));

        await agent.BeatOkAsync(agent.Failed(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot,
            "Secure Boot is off: the boot measurements match no allowed TPM baseline."));
        var first = await app.HostAsync(agent.HostId);
        await agent.BeatOkAsync(agent.Failed(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot,
            "Secure Boot is still off."));
        var second = await app.HostAsync(agent.HostId);

        Assert.Equal(AttestationStatus.InsecureHostConfiguration, second.AttestationStatus);
        Assert.Equal(AttestationSubStatus.SecureBoot, second.AttestationSubStatus);
        Assert.Equal("Secure Boot is still off.", second.AttestationReason);
        Assert.Equal(first.AttestationSince, second.AttestationSince);
        Assert.Null(second.HealthCertificateExpiresAt);
        var audited = await app.WithDbAsync(db => db.AuditEntries
            .CountAsync(a => a.Action == "fabric.host-attestation-changed" && a.Target.StartsWith($"host:{agent.HostId}")));
        Assert.Equal(2, audited);
    }

    [Fact]
    public async Task Heartbeat_HgsUnreachable_PassedIsRecordedAsTransientError()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());
        var client = app.WithoutHgs.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", agent.Credential);

        var response = await client.PostAsJsonAsync(FabricRoutes.Heartbeat, new HeartbeatRequest(
            agent.HostId, TestAgent.Capacity, HostResources.Zero, [], agent.Passed(app.Certificate(agent)), "1"), OffersJson.Options);

        var answer = (await response.Content.ReadFromJsonAsync<HeartbeatResponse>(OffersJson.Options))!;
        Assert.Equal(AttestationStatus.TransientError, answer.RecordedAttestation);
    }
}
