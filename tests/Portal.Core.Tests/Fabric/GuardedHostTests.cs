using System.Security.Cryptography;
using Portal.Core.Attestation;
using Portal.Core.Common;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;

namespace Portal.Core.Tests.Fabric;

public sealed class GuardedHostTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly HostResources Capacity = new(16, 64, 1024);

    private static GuardedHost Joined(string name = "host-1", byte[]? transportKey = null)
    {
        var (token, _) = HostJoinToken.Issue(TimeSpan.FromHours(1), null, Now);
        return GuardedHost.Join(token, name, Capacity, "1.0.0", transportKey, Now).Host;
    }

    private static GuardedHost Active()
    {
        var host = Joined();
        host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, HostResources.Zero, 0, 0, "1.0.0"), Now);
        return host;
    }

    [Fact]
    public void JoinToken_CanBeSpentOnce_AndNotAfterExpiry()
    {
        var (token, secret) = HostJoinToken.Issue(TimeSpan.FromHours(1), null, Now);
        var (expired, _) = HostJoinToken.Issue(TimeSpan.FromHours(1), null, Now);

        GuardedHost.Join(token, "a", Capacity, "1", null, Now);

        Assert.StartsWith(FabricSecret.JoinTokenMarker, secret);
        Assert.Equal(FabricSecret.Hash(secret), token.SecretHash);
        Assert.Throws<StateConflictException>(() => GuardedHost.Join(token, "b", Capacity, "1", null, Now));
        Assert.Throws<StateConflictException>(() => GuardedHost.Join(expired, "c", Capacity, "1", null, Now.AddHours(1)));
        Assert.False(token.IsUsable(Now));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60 * 24 * 8)]
    public void JoinToken_LifetimeOutOfRange_IsRefused(int minutes) =>
        Assert.Throws<DomainValidationException>(() => HostJoinToken.Issue(TimeSpan.FromMinutes(minutes), null, Now));

    [Theory]
    [InlineData("")]
    [InlineData("host one")]
    [InlineData("host/1")]
    public void Join_BadName_IsRefused(string name)
    {
        var (token, _) = HostJoinToken.Issue(TimeSpan.FromHours(1), null, Now);
        Assert.Throws<DomainValidationException>(() => GuardedHost.Join(token, name, Capacity, "1", null, Now));
        Assert.True(token.IsUsable(Now));
    }

    [Fact]
    public void Join_NegativeCapacity_IsRefused()
    {
        var (token, _) = HostJoinToken.Issue(TimeSpan.FromHours(1), null, Now);
        Assert.Throws<DomainValidationException>(() => GuardedHost.Join(token, "a", new HostResources(-1, 1, 1), "1", null, Now));
    }

    [Fact]
    public void FirstHeartbeat_MakesAPendingHostActive()
    {
        var host = Joined();
        Assert.Equal(HostState.Pending, host.State);

        host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, new HostResources(2, 4, 40), 1, 1, "1.0.1"), Now.AddSeconds(5));

        Assert.Equal(HostState.Active, host.State);
        Assert.Equal(Now.AddSeconds(5), host.LastHeartbeatAt);
        Assert.Equal("1.0.1", host.AgentVersion);
    }

    [Fact]
    public void Heartbeat_SaysWhetherAnythingButItsTimeChanged()
    {
        var host = Joined();
        var figures = new HostHeartbeatFacts(Capacity, new HostResources(2, 4, 40), 1, 1, "1.0.1");

        Assert.True(host.RecordHeartbeat(figures, Now));
        Assert.False(host.RecordHeartbeat(figures, Now.AddSeconds(15)));
        Assert.True(host.RecordHeartbeat(figures with { RunningVmCount = 0 }, Now.AddSeconds(30)));
        Assert.True(host.RecordHeartbeat(figures with { RunningVmCount = 0, Used = HostResources.Zero }, Now.AddSeconds(45)));
        Assert.Equal(Now.AddSeconds(45), host.LastHeartbeatAt);
    }

    [Fact]
    public void Heartbeat_KeepsTheHypervisorItReports_AsOneShortLine_AndAnOlderAgentLeavesItUnknown()
    {
        var host = Joined();
        host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, HostResources.Zero, 0, 0, "1"), Now);
        Assert.Equal(("unknown", "unknown"), (host.Hypervisor, host.Acceleration));

        host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, HostResources.Zero, 0, 0, "1",
            new Portal.Core.Fabric.Protocol.HypervisorReport("QEMU", "TCG (KVM probe:\nno output)" + new string('x', 300), "7.2.22")), Now);

        Assert.Equal("QEMU 7.2.22", host.Hypervisor);
        Assert.StartsWith("TCG (KVM probe: no output)", host.Acceleration, StringComparison.Ordinal);
        Assert.Equal(GuardedHost.AccelerationMaxLength, host.Acceleration.Length);
    }

    [Fact]
    public void States_RefuseBadTransitions()
    {
        var host = Joined();
        Assert.Throws<StateConflictException>(() => host.Drain(Now));
        Assert.Throws<StateConflictException>(() => host.Resume(Now));

        host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, HostResources.Zero, 0, 0, "1"), Now);
        Assert.Throws<StateConflictException>(() => host.Resume(Now));
        host.Drain(Now);
        Assert.Throws<StateConflictException>(() => host.Drain(Now));
        host.EnterMaintenance(Now);
        Assert.Throws<StateConflictException>(() => host.EnterMaintenance(Now));
        host.Resume(Now);
        Assert.Equal(HostState.Active, host.State);
        host.Remove(Now);

        Assert.Throws<StateConflictException>(() => host.Remove(Now));
        Assert.Throws<StateConflictException>(() => host.Resume(Now));
        Assert.Throws<StateConflictException>(() =>
            host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, HostResources.Zero, 0, 0, "1"), Now));
        Assert.False(host.CanAuthenticate);
    }

    [Fact]
    public void Heartbeat_InDrainOrMaintenance_KeepsTheProvidersChoice()
    {
        var host = Active();
        host.EnterMaintenance(Now);

        host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, HostResources.Zero, 0, 0, "1"), Now.AddSeconds(10));

        Assert.Equal(HostState.Maintenance, host.State);
    }

    [Fact]
    public void Heartbeat_Staleness_FollowsTheLastBeat()
    {
        var host = Active();

        Assert.False(host.IsHeartbeatStale(Now.AddSeconds(90), TimeSpan.FromSeconds(90)));
        Assert.True(host.IsHeartbeatStale(Now.AddSeconds(91), TimeSpan.FromSeconds(90)));
        Assert.True(Joined().IsHeartbeatStale(Now, TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public void HealthyForShieldedVms_OnlyWithAnUnexpiredVerifiedCertificate_ActiveAndResponding()
    {
        var host = Active();
        var stale = TimeSpan.FromSeconds(90);
        Assert.False(host.IsHealthyForShieldedVms(Now, stale));

        host.RecordAttestation(new AttestationFinding(AttestationStatus.Passed, AttestationSubStatus.None, "ok", Now.AddMinutes(30)), Now);

        Assert.True(host.IsHealthyForShieldedVms(Now.AddSeconds(60), stale));
        Assert.False(host.IsHealthyForShieldedVms(Now.AddMinutes(2), stale));
        host.RecordHeartbeat(new HostHeartbeatFacts(Capacity, HostResources.Zero, 0, 0, "1"), Now.AddMinutes(30));
        Assert.False(host.IsHealthyForShieldedVms(Now.AddMinutes(30), stale));
        Assert.Equal(AttestationStatus.Expired, host.EffectiveAttestationStatus(Now.AddMinutes(30)));
        host.Drain(Now.AddMinutes(1));
        Assert.False(host.IsHealthyForShieldedVms(Now.AddMinutes(1), stale));
    }

    [Fact]
    public void RecordAttestation_SinceMovesOnlyWhenStatusOrSubStatusChanges()
    {
        var host = Active();
        var failed = new AttestationFinding(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot, "Secure Boot off");

        host.RecordAttestation(failed, Now.AddMinutes(1));
        host.RecordAttestation(failed with { Reason = "still off" }, Now.AddMinutes(2));
        Assert.Equal(Now.AddMinutes(1), host.AttestationSince);
        host.RecordAttestation(failed with { SubStatus = AttestationSubStatus.SecureBoot | AttestationSubStatus.Iommu }, Now.AddMinutes(3));

        Assert.Equal(Now.AddMinutes(3), host.AttestationSince);
        Assert.Equal("Secure Boot off", host.AttestationReason);
    }

    [Fact]
    public void RecordAttestation_AFailureNeverKeepsACertificateExpiry()
    {
        var host = Active();

        host.RecordAttestation(new AttestationFinding(AttestationStatus.TpmError, AttestationSubStatus.None, "x", Now.AddHours(1)), Now);

        Assert.Null(host.HealthCertificateExpiresAt);
    }

    [Fact]
    public void TransportKey_IsPinnedAtJoin()
    {
        var key = RandomNumberGenerator.GetBytes(300);
        var host = Joined(transportKey: key);

        Assert.True(host.PinTransportKey(key));
        Assert.False(host.PinTransportKey(RandomNumberGenerator.GetBytes(300)));
        Assert.False(host.PinTransportKey(null));
        Assert.Equal(Convert.ToBase64String(key), host.TransportKey);
    }

    [Fact]
    public void HeartbeatAttestation_FailureIsRecordedAsReported()
    {
        var host = Active();
        var report = new AttestationReport(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot, "Secure Boot is off", null, null);

        var finding = HeartbeatAttestation.Evaluate(host, report, true, [], Now);

        Assert.Equal(new AttestationFinding(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot, "Secure Boot is off"), finding);
    }

    [Fact]
    public void HeartbeatAttestation_PassedWithCertificateOfAnotherName_IsUnauthorizedHost()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var transport = rsa.ExportSubjectPublicKeyInfo();
        var host = Joined("host-b", transport);
        var certificate = HealthCertificate.Issue(Guid.NewGuid(), Guid.NewGuid(), "host-a", transport, AttestationMode.HostKey,
            Now.AddMinutes(-1), Now.AddHours(1), signer).ToArray();

        var finding = HeartbeatAttestation.Evaluate(host,
            new AttestationReport(AttestationStatus.Passed, AttestationSubStatus.None, null, certificate, transport),
            true, signer.ExportSubjectPublicKeyInfo(), Now);
        var passed = HeartbeatAttestation.Evaluate(Joined("host-a", transport),
            new AttestationReport(AttestationStatus.Passed, AttestationSubStatus.None, null, certificate, transport),
            true, signer.ExportSubjectPublicKeyInfo(), Now);

        Assert.Equal(AttestationStatus.UnauthorizedHost, finding.Status);
        Assert.Contains("host-a", finding.Reason);
        Assert.Equal(AttestationStatus.Passed, passed.Status);
        Assert.Equal(Now.AddHours(1), passed.CertificateExpiresAt);
    }
}
