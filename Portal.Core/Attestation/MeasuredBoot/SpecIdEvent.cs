using System.Text;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// The log's first record: a TCG_PCR_EVENT (SHA-1 format) of type EV_NO_ACTION whose data is the TCG_EfiSpecIDEvent
/// naming the spec version and every digest bank (algorithm and size) that the TCG_PCR_EVENT2 records after it carry.
/// </summary>
internal static class SpecIdEvent
{
    private const int MaxBanks = 16;
    private const int MaxDigestSize = 64;
    private const int Sha1DigestSize = 20;
    private const ushort Sha256 = (ushort)TpmAlgorithm.Sha256;

    private static readonly byte[] Signature = Encoding.ASCII.GetBytes("Spec ID Event03\0");

    /// <summary>Reads the header record; returns the digest size of each bank, in the order the header lists them.</summary>
    public static IReadOnlyList<(ushort Algorithm, int Size)> Read(ref EventLogReader reader)
    {
        if (reader.ReadUInt32("header PCR index") != 0)
        {
            throw new TpmFormatException("The event log's header event is not in PCR 0.");
        }

        if (reader.ReadUInt32("header event type") != TcgEventType.NoAction)
        {
            throw new TpmFormatException("The event log does not start with an EV_NO_ACTION header event: it is not a crypto-agile log.");
        }

        if (reader.Take(Sha1DigestSize, "header digest").ContainsAnyExcept((byte)0))
        {
            throw new TpmFormatException("The event log's header event has a digest other than zeros.");
        }

        var body = new EventLogReader(reader.ReadSized("header event", TcgEventLog.MaxBytes));
        if (!body.Take(Signature.Length, "Spec ID signature").SequenceEqual(Signature))
        {
            throw new TpmFormatException("The event log's header is not a \"Spec ID Event03\" event: it is not a crypto-agile log.");
        }

        body.ReadUInt32("platform class");
        body.ReadByte("spec version minor");
        var major = body.ReadByte("spec version major");
        body.ReadByte("spec errata");
        if (major != 2)
        {
            throw new TpmFormatException($"The event log's Spec ID event names spec version {major}; only 2 is read.");
        }

        var uintnSize = body.ReadByte("uintn size");
        if (uintnSize is not (1 or 2))
        {
            throw new TpmFormatException($"The event log's Spec ID event has a UINTN size code of {uintnSize}; 1 or 2 is allowed.");
        }

        var count = body.ReadUInt32("number of algorithms");
        if (count is 0 or > MaxBanks)
        {
            throw new TpmFormatException($"The event log's Spec ID event names {count} digest banks; 1 to {MaxBanks} are allowed.");
        }

        var banks = new List<(ushort, int)>((int)count);
        for (var i = 0; i < count; i++)
        {
            var algorithm = body.ReadUInt16("algorithm id");
            var size = body.ReadUInt16("digest size");
            if (size is 0 or > MaxDigestSize || ExpectedSize(algorithm) is { } expected && expected != size)
            {
                throw new TpmFormatException($"The event log's Spec ID event gives algorithm 0x{algorithm:X4} a digest size of {size}.");
            }

            if (banks.Exists(b => b.Item1 == algorithm))
            {
                throw new TpmFormatException($"The event log's Spec ID event names algorithm 0x{algorithm:X4} twice.");
            }

            banks.Add((algorithm, size));
        }

        if (!banks.Exists(b => b.Item1 == Sha256))
        {
            throw new TpmFormatException("The event log has no SHA-256 bank.");
        }

        body.Take(body.ReadByte("vendor info size"), "vendor info");
        if (body.Remaining != 0)
        {
            throw new TpmFormatException($"The event log's Spec ID event has {body.Remaining} bytes after its vendor info.");
        }

        return banks;
    }

    /// <summary>Writes the header record of a log with only the SHA-256 bank.</summary>
    public static void WriteSha256Only(EventLogWriter writer)
    {
        var body = new EventLogWriter();
        body.WriteBytes(Signature);
        body.WriteUInt32(0); // platform class: client
        body.WriteByte(0); // spec version minor
        body.WriteByte(2); // spec version major
        body.WriteByte(2); // spec errata
        body.WriteByte(2); // UINTN is 64 bits
        body.WriteUInt32(1);
        body.WriteUInt16(Sha256);
        body.WriteUInt16(32);
        body.WriteByte(0); // no vendor info
        var bytes = body.ToArray();

        writer.WriteUInt32(0);
        writer.WriteUInt32(TcgEventType.NoAction);
        writer.WriteBytes(new byte[Sha1DigestSize]);
        writer.WriteUInt32((uint)bytes.Length);
        writer.WriteBytes(bytes);
    }

    private static int? ExpectedSize(ushort algorithm) => (TpmAlgorithm)algorithm switch
    {
        TpmAlgorithm.Sha1 => 20,
        TpmAlgorithm.Sha256 => 32,
        TpmAlgorithm.Sha384 => 48,
        TpmAlgorithm.Sha512 => 64,
        _ => null,
    };
}
