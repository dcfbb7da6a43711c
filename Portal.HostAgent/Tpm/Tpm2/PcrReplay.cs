using System.Security.Cryptography;
using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>The SHA-256 PCR values a sequence of measurements gives from zeroed PCRs.</summary>
internal static class PcrReplay
{
    public static Dictionary<int, byte[]> Of(IEnumerable<TcgEvent> events)
    {
        var pcrs = new Dictionary<int, byte[]>();
        foreach (var e in events)
        {
            var current = pcrs.TryGetValue(e.Pcr, out var value) ? value : new byte[SHA256.HashSizeInBytes];
            pcrs[e.Pcr] = SHA256.HashData([.. current, .. e.Sha256Digest]);
        }

        return pcrs;
    }
}
