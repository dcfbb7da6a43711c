using System.Buffers.Binary;
using System.Security.Cryptography;
using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// Appends a measurement to a firmware's crypto-agile log (TCG PC Client Platform Firmware Profile §10) with a digest
/// for every bank its Spec ID event names, as the firmware would have written it.
/// </summary>
public static class CryptoAgileLog
{
    private const int SpecIdAlgorithmsOffset = 24;

    /// <summary>The hash algorithms (TPM_ALG_ID) and digest sizes the log's Spec ID event declares.</summary>
    public static IReadOnlyList<(ushort Algorithm, int Size)> Banks(ReadOnlySpan<byte> log)
    {
        // TCG_PCR_EVENT: pcrIndex, eventType, SHA-1 digest (20), eventSize, then the Spec ID event.
        if (log.Length < 32)
        {
            throw new TpmException("The firmware's event log is too short to hold its header.");
        }

        var eventSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(log[28..]);
        if (eventSize < SpecIdAlgorithmsOffset + 4 || log.Length < 32 + eventSize || !log[32..48].StartsWith("Spec ID Event03"u8))
        {
            throw new TpmException("The firmware's event log is not in the crypto-agile format (no Spec ID Event03 header).");
        }

        var specId = log.Slice(32, eventSize);
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(specId[SpecIdAlgorithmsOffset..]);
        if (count is < 1 or > 8 || specId.Length < SpecIdAlgorithmsOffset + 4 + (4 * count))
        {
            throw new TpmException("The firmware's event log header names no usable hash banks.");
        }

        var banks = new List<(ushort, int)>();
        for (var i = 0; i < count; i++)
        {
            var entry = specId[(SpecIdAlgorithmsOffset + 4 + (4 * i))..];
            banks.Add((BinaryPrimitives.ReadUInt16LittleEndian(entry), BinaryPrimitives.ReadUInt16LittleEndian(entry[2..])));
        }

        return banks;
    }

    /// <summary>The digests of <paramref name="measurement"/> for each bank, by tpm2-tools' bank name.</summary>
    public static IReadOnlyList<(ushort Algorithm, string Name, byte[] Digest)> Digests(IReadOnlyList<(ushort Algorithm, int Size)> banks, TcgEvent measurement)
    {
        var digests = new List<(ushort, string, byte[])>();
        foreach (var (algorithm, _) in banks)
        {
            // The SHA-256 digest is the measurement itself; other banks hash the same event data.
            var (name, digest) = algorithm switch
            {
                0x0004 => ("sha1", SHA1.HashData(measurement.Data)),
                0x000B => ("sha256", measurement.Sha256Digest),
                0x000C => ("sha384", SHA384.HashData(measurement.Data)),
                0x000D => ("sha512", SHA512.HashData(measurement.Data)),
                _ => throw new TpmException($"The TPM's bank with hash algorithm 0x{algorithm:X4} cannot be measured by the agent."),
            };
            digests.Add((algorithm, name, digest));
        }

        return digests;
    }

    /// <summary>The log with a TCG_PCR_EVENT2 for <paramref name="measurement"/> appended.</summary>
    public static byte[] Append(ReadOnlySpan<byte> log, TcgEvent measurement, IReadOnlyList<(ushort Algorithm, string Name, byte[] Digest)> digests)
    {
        // BinaryWriter writes little-endian, as the log is.
        using var output = new MemoryStream();
        using (var writer = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(log);
            writer.Write((uint)measurement.Pcr);
            writer.Write(measurement.EventType);
            writer.Write((uint)digests.Count);
            foreach (var (algorithm, _, digest) in digests)
            {
                writer.Write(algorithm);
                writer.Write(digest);
            }

            writer.Write((uint)measurement.Data.Length);
            writer.Write(measurement.Data);
        }

        return output.ToArray();
    }
}
