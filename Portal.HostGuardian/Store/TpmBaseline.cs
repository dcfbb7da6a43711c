using Portal.Core.Attestation.Protocol;

namespace Portal.HostGuardian.Store;

/// <summary>
/// An allowed measured boot: the values of the firmware PCRs (0–7) of one class of hardware and firmware, and their
/// digest (SHA-256 of the values in order, upper-case hex; unique) for lookups.
/// </summary>
public sealed class TpmBaseline
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required IReadOnlyList<PcrValue> Pcrs { get; set; }

    public required string PcrDigest { get; set; }

    /// <summary>The host whose measurements the admin accepted as this baseline, if it was captured.</summary>
    public string? CapturedFrom { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
