using Portal.Core.Attestation.Protocol;

namespace Portal.HostGuardian.Store;

/// <summary>
/// The latest measurements a host proved: written only after its quote's signature, nonce and event log verified, so
/// an HGS admin can capture a baseline from it (whatever the policy verdict was).
/// </summary>
public sealed class HostMeasurement
{
    public Guid HostId { get; set; }

    /// <summary>The quoted firmware PCRs (0–7), SHA-256 bank.</summary>
    public required IReadOnlyList<PcrValue> Pcrs { get; set; }

    public required string PcrDigest { get; set; }

    /// <summary>The verified event log (TCG crypto-agile), kept to show what changed.</summary>
    public required byte[] EventLog { get; set; }

    public DateTimeOffset MeasuredAt { get; set; }
}
