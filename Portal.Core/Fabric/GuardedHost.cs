using Portal.Core.Attestation;
using Portal.Core.Common;

namespace Portal.Core.Fabric;

/// <summary>
/// A guarded host in the provider's fabric: what it offers, what it uses, when it last spoke, and what the portal
/// last concluded about its attestation. The host authenticates with a credential issued at join; only its hash is kept.
/// </summary>
public sealed class GuardedHost
{
    public const int NameMaxLength = 63;
    public const int ReasonMaxLength = 500;
    public const int AgentVersionMaxLength = 32;

    public const int HypervisorMaxLength = 64;

    public const int AccelerationMaxLength = 160;

    public const int TpmMaxLength = 160;
    public const int TransportKeyMaxBytes = 1200;

    /// <summary>Without a heartbeat for this long a host counts as unresponsive (three missed 30 s beats).</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(90);

    private GuardedHost()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public HostState State { get; private set; }

    public DateTimeOffset JoinedAt { get; private set; }

    public DateTimeOffset StateChangedAt { get; private set; }

    public string CredentialPrefix { get; private set; } = "";

    public byte[] CredentialHash { get; private set; } = [];

    public HostResources Capacity { get; private set; } = HostResources.Zero;

    public HostResources Used { get; private set; } = HostResources.Zero;

    public int VmCount { get; private set; }

    public int RunningVmCount { get; private set; }

    public DateTimeOffset? LastHeartbeatAt { get; private set; }

    public string AgentVersion { get; private set; } = "";

    /// <summary>The hypervisor as the host last reported it, e.g. "QEMU 7.2.22" or "Simulated".</summary>
    public string Hypervisor { get; private set; } = "unknown";

    /// <summary>How the host runs guests, e.g. "KVM", or "TCG (KVM probe: …)" where hardware virtualisation is missing.</summary>
    public string Acceleration { get; private set; } = "unknown";

    /// <summary>What the host attests with, e.g. "swtpm 0.7.1 at 127.0.0.1:40211 (managed)" or "software TPM"; "none" in modes without a TPM.</summary>
    public string Tpm { get; private set; } = "unknown";

    /// <summary>
    /// The host's transport public key (SubjectPublicKeyInfo, base64) as first reported. Pinned: a health certificate
    /// counts for this host only when it is bound to this key.
    /// </summary>
    public string? TransportKey { get; private set; }

    public AttestationStatus AttestationStatus { get; private set; } = AttestationStatus.NotConfigured;

    public AttestationSubStatus AttestationSubStatus { get; private set; }

    public string AttestationReason { get; private set; } = "The host has not reported attestation yet.";

    /// <summary>Since when the host has had its current status and sub-status.</summary>
    public DateTimeOffset AttestationSince { get; private set; }

    /// <summary>The expiry of the last health certificate the portal verified; null when it has none.</summary>
    public DateTimeOffset? HealthCertificateExpiresAt { get; private set; }

    public DateTimeOffset? RemovedAt { get; private set; }

    /// <summary>
    /// A new host in Pending, spending <paramref name="token"/>. Returns the host credential, which exists in the
    /// clear only in the answer to the join.
    /// </summary>
    public static (GuardedHost Host, string Credential) Join(
        HostJoinToken token, string name, HostResources capacity, string agentVersion, byte[]? transportKey,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(capacity);
        var credential = FabricSecret.Generate(FabricSecret.HostCredentialMarker);
        var host = new GuardedHost
        {
            Id = Guid.CreateVersion7(now),
            Name = HostName(name),
            State = HostState.Pending,
            JoinedAt = now,
            StateChangedAt = now,
            CredentialPrefix = credential[..FabricSecret.DisplayPrefixLength],
            CredentialHash = FabricSecret.Hash(credential),
            Capacity = capacity.Validated(nameof(Capacity)),
            AgentVersion = Version(agentVersion),
            AttestationSince = now,
        };
        host.PinTransportKey(transportKey);
        token.Redeem(host.Id, now);
        return (host, credential);
    }

    public bool CanAuthenticate => State != HostState.Removed;

    public TimeSpan? HeartbeatAge(DateTimeOffset now) => now - LastHeartbeatAt;

    public bool IsHeartbeatStale(DateTimeOffset now, TimeSpan staleAfter) =>
        LastHeartbeatAt is not { } last || now - last > staleAfter;

    public bool HasValidHealthCertificate(DateTimeOffset now) =>
        AttestationStatus == AttestationStatus.Passed && HealthCertificateExpiresAt is { } expiry && now < expiry;

    /// <summary>
    /// The status to show and place by: a Passed whose certificate has since run out is Expired, whatever the host said.
    /// </summary>
    public AttestationStatus EffectiveAttestationStatus(DateTimeOffset now) =>
        AttestationStatus == AttestationStatus.Passed && !HasValidHealthCertificate(now)
            ? AttestationStatus.Expired
            : AttestationStatus;

    /// <summary>
    /// Only an active, responsive host holding a verified, unexpired health certificate may run shielded VMs.
    /// </summary>
    public bool IsHealthyForShieldedVms(DateTimeOffset now, TimeSpan staleAfter) =>
        State == HostState.Active && !IsHeartbeatStale(now, staleAfter) && HasValidHealthCertificate(now);

    /// <summary>
    /// Accepts a heartbeat's figures. The first heartbeat of a pending host makes it Active. Returns whether anything but
    /// the heartbeat's time changed: most beats only say the host is still there.
    /// </summary>
    public bool RecordHeartbeat(HostHeartbeatFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (State == HostState.Removed)
        {
            throw new StateConflictException($"Host '{Name}' has been removed from the fabric.");
        }

        if (facts.VmCount < 0 || facts.RunningVmCount < 0 || facts.RunningVmCount > facts.VmCount)
        {
            throw DomainValidationException.For("Vms", "VM counts must be zero or more, running at most all of them.");
        }

        var before = (Capacity, Used, VmCount, RunningVmCount, AgentVersion, Hypervisor, Acceleration, Tpm, State);
        Capacity = facts.Capacity.Validated(nameof(Capacity));
        Used = facts.Used.Validated(nameof(Used));
        VmCount = facts.VmCount;
        RunningVmCount = facts.RunningVmCount;
        AgentVersion = Version(facts.AgentVersion);
        if (facts.Hypervisor is { } hypervisor)
        {
            var named = string.Join(' ', new[] { hypervisor.Driver, hypervisor.Version }.Where(p => !string.IsNullOrWhiteSpace(p)));
            Hypervisor = Guard.OneLine(named, HypervisorMaxLength, "unknown");
            Acceleration = Guard.OneLine(hypervisor.Acceleration, AccelerationMaxLength, "unknown");
        }

        Tpm = Guard.OneLine(facts.Tpm, TpmMaxLength, "none");

        LastHeartbeatAt = now;
        if (State == HostState.Pending)
        {
            MoveTo(HostState.Active, now);
        }

        return before != (Capacity, Used, VmCount, RunningVmCount, AgentVersion, Hypervisor, Acceleration, Tpm, State);
    }

    /// <summary>
    /// Pins the transport key on first sight. Returns false when a different key is presented later: the caller must
    /// then treat the host's health certificate as not belonging to it.
    /// </summary>
    public bool PinTransportKey(byte[]? transportKey)
    {
        if (transportKey is not { Length: > 0 })
        {
            return TransportKey is null;
        }

        if (transportKey.Length > TransportKeyMaxBytes)
        {
            throw DomainValidationException.For("TransportPublicKey", $"A transport key is at most {TransportKeyMaxBytes} bytes.");
        }

        var encoded = Convert.ToBase64String(transportKey);
        TransportKey ??= encoded;
        return string.Equals(TransportKey, encoded, StringComparison.Ordinal);
    }

    /// <summary>Records what the portal concluded; "since" moves only when the status or sub-status changes.</summary>
    public bool RecordAttestation(AttestationFinding finding, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (State == HostState.Removed)
        {
            throw new StateConflictException($"Host '{Name}' has been removed from the fabric.");
        }

        var reason = finding.Reason.Length > ReasonMaxLength ? finding.Reason[..ReasonMaxLength] : finding.Reason;
        var changed = AttestationStatus != finding.Status || AttestationSubStatus != finding.SubStatus;
        var anyChange = changed || AttestationReason != reason || HealthCertificateExpiresAt != finding.CertificateExpiresAt;
        if (changed)
        {
            AttestationSince = now;
        }

        AttestationStatus = finding.Status;
        AttestationSubStatus = finding.SubStatus;
        AttestationReason = reason;
        HealthCertificateExpiresAt = finding.Status == AttestationStatus.Passed ? finding.CertificateExpiresAt : null;
        return anyChange;
    }

    /// <summary>Stop placing new work here; running VMs stay.</summary>
    public void Drain(DateTimeOffset now) => MoveTo(HostState.Draining, now, State switch
    {
        HostState.Active => true,
        HostState.Pending or HostState.Draining or HostState.Maintenance or HostState.Removed => false,
    });

    public void EnterMaintenance(DateTimeOffset now) => MoveTo(HostState.Maintenance, now, State switch
    {
        HostState.Active or HostState.Draining => true,
        HostState.Pending or HostState.Maintenance or HostState.Removed => false,
    });

    public void Resume(DateTimeOffset now) => MoveTo(HostState.Active, now, State switch
    {
        HostState.Draining or HostState.Maintenance => true,
        HostState.Pending or HostState.Active or HostState.Removed => false,
    });

    /// <summary>Removes the host for good; its credential stops working at once.</summary>
    public void Remove(DateTimeOffset now)
    {
        MoveTo(HostState.Removed, now, State != HostState.Removed);
        RemovedAt = now;
        HealthCertificateExpiresAt = null;
    }

    private void MoveTo(HostState next, DateTimeOffset now, bool allowed = true)
    {
        if (!allowed)
        {
            throw new StateConflictException($"Host '{Name}' is {State} and cannot become {next}.");
        }

        State = next;
        StateChangedAt = now;
    }

    private static string HostName(string? name)
    {
        var trimmed = Guard.Text(name, "HostName", 1, NameMaxLength);
        return trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
            ? trimmed
            : throw DomainValidationException.For("HostName", "A host name may use letters, digits, '-', '.' and '_' only.");
    }

    private static string Version(string? version) =>
        string.IsNullOrWhiteSpace(version) ? "unknown" : Guard.Text(version, nameof(AgentVersion), 1, AgentVersionMaxLength);
}
