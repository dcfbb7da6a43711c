using Portal.Core.Attestation;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

public sealed class AgentHealthTests
{
    [Fact]
    public async Task HgsUnreachable_AgentReportsTransientError_AndKeyReleaseRefuses()
    {
        using var agent = new TestAgent(null, "host-offline", configure: s => s["HostAgent:HgsUrl"] = "http://127.0.0.1:9/");
        var changes = new List<AttestationOutcome>();
        agent.Health.Changed += changes.Add;

        var outcome = await agent.AttestAsync();
        var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(new byte[100], CancellationToken.None));

        Assert.Equal(AttestationStatus.TransientError, outcome.Status);
        Assert.Contains("HGS could not be reached", outcome.Reason);
        Assert.False(agent.Health.IsHealthy);
        Assert.Equal(KeyReleaseRefusal.NotHealthy, refused.Refusal);
        Assert.Same(outcome, Assert.Single(changes));
    }

    [Fact]
    public async Task HgsUnreachableAfterAPass_KeyReleaseIsUnavailable_AndReattestMakesTheHostUnhealthy()
    {
        using var hgs = new HgsTestHost();
        using var agent = new TestAgent(hgs, "host-orphaned");
        await hgs.RegisterAsync(await agent.RegistrationAsync());
        Assert.Equal(AttestationStatus.Passed, (await agent.AttestAsync()).Status);
        var (_, protector) = TenantSide.NewProtector(await hgs.FabricGuardianAsync());

        agent.NetworkDown = true;
        var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));
        var outcome = await agent.AttestAsync();

        Assert.Equal(KeyReleaseRefusal.Unavailable, refused.Refusal);
        Assert.Equal(AttestationStatus.TransientError, outcome.Status);
        Assert.False(agent.Health.IsHealthy);
    }

    [Fact]
    public async Task NoHgsUrl_IsNotConfigured()
    {
        using var agent = new TestAgent(null, "host-unconfigured");

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.NotConfigured, outcome.Status);
        Assert.False(agent.Health.IsHealthy);
    }

    [Fact]
    public async Task SoftwareTpm_KeysPersistAcrossRestarts()
    {
        using var first = new TestAgent(null, "host-restart");
        var folder = first.DataFolder;
        await first.Tpm.InitializeAsync(CancellationToken.None);
        var ek = first.Tpm.EndorsementKey.ToArray();
        var ak = first.Tpm.AttestationKey.ToArray();
        var transport = first.Health.TransportKeyThumbprint;

        using var second = new TestAgent(null, "host-restart", configure: s => s["HostAgent:DataFolder"] = folder);
        await second.Tpm.InitializeAsync(CancellationToken.None);

        Assert.Equal(ek, second.Tpm.EndorsementKey.ToArray());
        Assert.Equal(ak, second.Tpm.AttestationKey.ToArray());
        Assert.Equal(transport, second.Health.TransportKeyThumbprint);
    }
}
