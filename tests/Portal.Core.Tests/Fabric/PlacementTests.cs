using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Placement;

namespace Portal.Core.Tests.Fabric;

public sealed class PlacementTests
{
    private static readonly HostResources Small = new(2, 8, 40);

    private static HostCandidate Host(
        string name,
        HostState state = HostState.Active,
        bool responsive = true,
        bool healthy = true,
        AttestationStatus status = AttestationStatus.Passed,
        AttestationSubStatus subStatus = AttestationSubStatus.None,
        HostResources? capacity = null,
        HostResources? committed = null) =>
        new(Guid.NewGuid(), name, state, responsive, healthy, status, subStatus, capacity ?? new HostResources(16, 64, 1024),
            committed ?? HostResources.Zero);

    [Fact]
    public void ChooseHost_SpreadsLoad_ToTheHostLeftWithTheMostRoom()
    {
        var busy = Host("a", committed: new HostResources(8, 32, 100));
        var idle = Host("b");

        var decision = Placement.ChooseHost(Small, shielded: false, [busy, idle]);

        Assert.Same(idle, decision.Host);
        Assert.Null(decision.WaitingReason);
    }

    [Fact]
    public void ChooseHost_PrefersAHostWithNoJobInFlight_OverOneWithMoreRoomThatIsStillWorking()
    {
        var roomyButWorking = Host("a") with { JobsInFlight = 1 };
        var fullerButIdle = Host("b", committed: new HostResources(8, 32, 100));

        var decision = Placement.ChooseHost(Small, shielded: false, [roomyButWorking, fullerButIdle]);

        Assert.Same(fullerButIdle, decision.Host);
    }

    [Fact]
    public void ChooseHost_CountsWhatIsAlreadyPlaced_AndNeverOvercommits()
    {
        var nearlyFull = Host("a", capacity: new HostResources(4, 16, 100), committed: new HostResources(3, 10, 50));

        var decision = Placement.ChooseHost(Small, shielded: false, [nearlyFull]);

        Assert.Null(decision.Host);
        Assert.Equal("No host fits: 1 lacks 2 free vCPUs.", decision.WaitingReason);
    }

    [Fact]
    public void ChooseHost_Shielded_NeedsAValidHealthCertificate_AndSaysWhyPerCause()
    {
        var secureBootOff = Host("a", healthy: false, status: AttestationStatus.InsecureHostConfiguration, subStatus: AttestationSubStatus.SecureBoot);
        var full1 = Host("b", capacity: new HostResources(16, 4, 1024));
        var full2 = Host("c", capacity: new HostResources(16, 4, 1024));

        var decision = Placement.ChooseHost(Small, shielded: true, [secureBootOff, full1, full2]);

        Assert.Null(decision.Host);
        Assert.Equal("No host fits: 2 lack 8 GiB free memory, 1 failed attestation (SecureBoot).", decision.WaitingReason);
    }

    [Fact]
    public void ChooseHost_RegularVm_MayGoToAHostThatFailedAttestation()
    {
        var failed = Host("a", healthy: false, status: AttestationStatus.InsecureHostConfiguration, subStatus: AttestationSubStatus.SecureBoot);

        Assert.Same(failed, Placement.ChooseHost(Small, shielded: false, [failed]).Host);
    }

    [Fact]
    public void ChooseHost_SkipsHostsThatAreDrainingInMaintenanceOrSilent()
    {
        var decision = Placement.ChooseHost(Small, shielded: false,
        [
            Host("a", state: HostState.Draining),
            Host("b", state: HostState.Maintenance),
            Host("c", responsive: false),
            Host("d", state: HostState.Pending),
        ]);

        Assert.Equal(
            "No host fits: 1 is waiting for its first heartbeat, 1 is draining, 1 is in maintenance, 1 is not responding.",
            decision.WaitingReason);
    }

    [Fact]
    public void ChooseHost_EmptyFabric_SaysSo()
    {
        Assert.Equal("No host fits: the fabric has no guarded hosts yet.", Placement.ChooseHost(Small, false, []).WaitingReason);
    }

    [Fact]
    public void ChooseHost_ExpiredCertificate_IsNamed()
    {
        var expired = Host("a", healthy: false, status: AttestationStatus.Expired);

        Assert.Equal("No host fits: 1 has an expired health certificate.", Placement.ChooseHost(Small, true, [expired]).WaitingReason);
    }

    [Fact]
    public void CheckVmHost_SilentHostWaits_RemovedHostIsNamed()
    {
        Assert.Equal("Waiting for the VM's host: it is not responding.", Placement.CheckVmHost(Host("a", responsive: false)).WaitingReason);
        Assert.Contains("removed", Placement.CheckVmHost(null).WaitingReason);
        var unhealthy = Host("b", healthy: false, status: AttestationStatus.TransientError);
        Assert.Same(unhealthy, Placement.CheckVmHost(unhealthy).Host);
    }

    [Fact]
    public void From_CommittedIsTheLargerOfPlacedAndReportedUse()
    {
        var (token, _) = HostJoinToken.Issue(TimeSpan.FromHours(1), null, DateTimeOffset.UnixEpoch);
        var now = DateTimeOffset.UnixEpoch.AddMinutes(1);
        var host = GuardedHost.Join(token, "h", new HostResources(16, 64, 1024), "1", null, now).Host;
        host.RecordHeartbeat(new HostHeartbeatFacts(new HostResources(16, 64, 1024), new HostResources(4, 4, 400), 2, 1, "1"), now);

        var candidate = HostCandidate.From(host, new HostResources(2, 16, 100), now, TimeSpan.FromSeconds(90));

        Assert.Equal(new HostResources(4, 16, 400), candidate.Committed);
        Assert.True(candidate.Responsive);
        Assert.False(candidate.HealthyForShieldedVms);
    }

    [Fact]
    public void WhyTakeBack_SilentOrRemovedHost_TakesBackAnyJob_AHostNoLongerActiveOnlyANewVm()
    {
        Assert.Contains("left the fabric", Placement.WhyTakeBack(null, newVm: false));
        Assert.Contains("stopped responding", Placement.WhyTakeBack(Host("a", responsive: false), newVm: false));
        Assert.Contains("Draining", Placement.WhyTakeBack(Host("b", state: HostState.Draining), newVm: true));
        Assert.Null(Placement.WhyTakeBack(Host("b", state: HostState.Draining), newVm: false));
        Assert.Null(Placement.WhyTakeBack(Host("c"), newVm: true));
    }
}
