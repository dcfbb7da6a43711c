using System.Security.Cryptography;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;

namespace Portal.HostGuardian.Attestation;

/// <summary>The firmware PCRs (0–7) a TPM baseline fixes, and the digest that identifies one set of their values.</summary>
public static class FirmwarePcrs
{
    /// <summary>The values of PCRs 0–7 from <paramref name="pcrs"/>, in order; null when one is missing or not 32 bytes.</summary>
    public static IReadOnlyList<PcrValue>? Select(IEnumerable<PcrValue> pcrs)
    {
        var byIndex = pcrs.GroupBy(p => p.Index).ToDictionary(g => g.Key, g => g.First());
        var selected = new List<PcrValue>(PolicyPcrs.Firmware.Count);
        foreach (var index in PolicyPcrs.Firmware)
        {
            if (!byIndex.TryGetValue(index, out var pcr) || pcr.Digest is not { Length: SHA256.HashSizeInBytes })
            {
                return null;
            }

            selected.Add(new PcrValue(index, pcr.Digest.ToArray()));
        }

        return selected;
    }

    /// <summary>SHA-256 of the values in index order, upper-case hex.</summary>
    public static string Digest(IReadOnlyList<PcrValue> firmwarePcrs) =>
        Convert.ToHexString(SHA256.HashData(firmwarePcrs.OrderBy(p => p.Index).SelectMany(p => p.Digest).ToArray()));

    /// <summary>The indexes whose values differ between two sets of firmware PCRs.</summary>
    public static IReadOnlyList<int> Differences(IReadOnlyList<PcrValue> allowed, IReadOnlyList<PcrValue> measured) =>
        PolicyPcrs.Firmware
            .Where(i => !(allowed.FirstOrDefault(p => p.Index == i)?.Digest ?? []).AsSpan().SequenceEqual(measured.FirstOrDefault(p => p.Index == i)?.Digest ?? []))
            .ToList();
}
