namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// One event of a measured boot (TCG) log: what was measured (<paramref name="Type"/>, <paramref name="Data"/>), into
/// which PCR, and the digest that was extended (SHA-256 of <c>Type + "\n" + Data</c>, upper-case hex).
/// </summary>
public sealed record BootEvent(int Pcr, string Type, string Data, string Digest)
{
    /// <summary>Measures an event: computes its digest the way the TPM extended it.</summary>
    public static BootEvent Measure(int pcr, string type, string data) =>
        new(pcr, type, data, Convert.ToHexString(MeasuredBoot.EventDigest(type, data)));
}
