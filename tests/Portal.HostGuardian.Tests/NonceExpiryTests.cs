using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Attestation;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.Tests.Infrastructure;
using Portal.Testing;

namespace Portal.HostGuardian.Tests;

public sealed class NonceExpiryTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Challenges_NeverAnswered_DoNotGrowTheStoreOverTime()
    {
        using var hgs = new HgsTestHost(s => s["Hgs:NonceSweepInterval"] = "01:00:00");
        var client = hgs.CreateClient();

        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                await Evidence.ChallengeAsync(client);
            }

            Assert.InRange(await NonceRows.CountAsync(hgs), 1, 5);
            hgs.Time.Advance(Lifetime + TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Challenges_NeverAnswered_AreSweptOnceExpired()
    {
        using var hgs = new HgsTestHost(s => s["Hgs:NonceSweepInterval"] = "00:01:00");
        var client = hgs.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await Evidence.ChallengeAsync(client);
        }

        Assert.Equal(5, await NonceRows.CountAsync(hgs));

        hgs.Time.Advance(Lifetime);
        hgs.Time.Advance(TimeSpan.FromMinutes(1));

        await Eventually.ValueAsync(() => NonceRows.CountAsync(hgs), count => count == 0, "the sweeper to delete the expired nonces");
    }

    [Fact]
    public async Task DeleteExpired_RemovesExpiredNoncesUsedOrNot_AndKeepsLiveOnes()
    {
        using var hgs = new HgsTestHost(s => s["Hgs:NonceSweepInterval"] = "01:00:00");
        var client = hgs.CreateClient();
        await Evidence.ChallengeAsync(client);
        await Evidence.ChallengeAsync(client);
        hgs.Time.Advance(TimeSpan.FromMinutes(1));
        var live = await Evidence.ChallengeAsync(client);
        await using (var scope = hgs.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<NonceStore>().TryConsumeAsync(live, CancellationToken.None));
        }

        hgs.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        int deleted;
        await using (var scope = hgs.Services.CreateAsyncScope())
        {
            deleted = await scope.ServiceProvider.GetRequiredService<NonceStore>().DeleteExpiredAsync(CancellationToken.None);
        }

        Assert.Equal(2, deleted);
        Assert.Equal(1, await NonceRows.CountAsync(hgs));
        hgs.Time.Advance(TimeSpan.FromMinutes(1));
        await using (var scope = hgs.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<NonceStore>().DeleteExpiredAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Attest_WithANonceSweptAfterExpiry_IsRefused()
    {
        using var hgs = new HgsTestHost(s => s["Hgs:NonceSweepInterval"] = "00:01:00");
        using var agent = new TestAgent(hgs, "host-late");
        await hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.ActivateAsync(hgs);
        var client = hgs.CreateClient();
        var nonce = await Evidence.ChallengeAsync(client);

        hgs.Time.Advance(Lifetime + TimeSpan.FromMinutes(1));
        await Eventually.ValueAsync(() => NonceRows.CountAsync(hgs), count => count == 0, "the sweeper to delete the expired nonce");
        var outcome = await Evidence.SendAsync(client, await Evidence.TpmAsync(agent, "host-late", nonce));

        Assert.Equal(AttestationStatus.TpmError, outcome.Status);
        Assert.Contains("unknown, expired or already used", outcome.Reason);
        Assert.Null(outcome.HealthCertificate);
    }
}
