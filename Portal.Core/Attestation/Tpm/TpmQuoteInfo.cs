namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// A quote's TPMS_ATTEST, as <c>tpm2_quote -m</c> writes it and as the attestation key signed it: magic
/// TPM_GENERATED_VALUE, type TPM_ST_ATTEST_QUOTE, the signer's qualified name, the qualifying data (extraData), the
/// TPM's clock, its firmware version, and the PCR selection with the digest of those PCRs' values.
/// </summary>
public sealed class TpmQuoteInfo
{
    public const uint GeneratedValue = 0xFF544347;

    public const ushort AttestQuote = 0x8018;

    private const string Structure = "TPMS_ATTEST (quote)";

    // TPM2B_NAME and TPM2B_DATA hold at most a TPMT_HA: a 2-byte algorithm and a SHA-512 digest.
    private const int MaxName = 66;
    private const int MaxData = 66;
    private const int MaxDigest = 64;
    private const int MaxBanks = 16;
    private const int MaxSelectBytes = 4;

    private TpmQuoteInfo()
    {
    }

    public byte[] Encoded { get; private init; } = [];

    public byte[] QualifiedSigner { get; private init; } = [];

    public byte[] ExtraData { get; private init; } = [];

    public ulong Clock { get; private init; }

    public uint ResetCount { get; private init; }

    public uint RestartCount { get; private init; }

    public bool Safe { get; private init; }

    public ulong FirmwareVersion { get; private init; }

    public IReadOnlyList<TpmPcrSelection> PcrSelection { get; private init; } = [];

    public byte[] PcrDigest { get; private init; } = [];

    /// <summary>Parses TPMS_ATTEST of a quote; throws <see cref="TpmFormatException"/> on a wrong magic, type or shape.</summary>
    public static TpmQuoteInfo Parse(ReadOnlySpan<byte> tpmsAttest)
    {
        var reader = new TpmReader(tpmsAttest, Structure);
        var magic = reader.U32();
        if (magic != GeneratedValue)
        {
            throw reader.Fail($"the magic is 0x{magic:X8}, not TPM_GENERATED_VALUE");
        }

        var type = reader.U16();
        if (type != AttestQuote)
        {
            throw reader.Fail($"the type is 0x{type:X4}, not TPM_ST_ATTEST_QUOTE");
        }

        var signer = reader.Sized(MaxName, "qualifiedSigner").ToArray();
        var extraData = reader.Sized(MaxData, "extraData").ToArray();
        var clock = reader.U64();
        var resetCount = reader.U32();
        var restartCount = reader.U32();
        var safe = reader.U8();
        if (safe > 1)
        {
            throw reader.Fail($"clockInfo.safe is {safe}, not a boolean");
        }

        var firmwareVersion = reader.U64();
        var banks = reader.U32();
        if (banks > MaxBanks)
        {
            throw reader.Fail($"it selects {banks} PCR banks, more than the {MaxBanks} a TPM may have");
        }

        var selection = new List<TpmPcrSelection>((int)banks);
        for (var i = 0; i < banks; i++)
        {
            var hash = reader.Algorithm();
            var sizeOfSelect = reader.U8();
            if (sizeOfSelect > MaxSelectBytes)
            {
                throw reader.Fail($"a PCR selection is {sizeOfSelect} bytes, more than {MaxSelectBytes}");
            }

            var bits = reader.Bytes(sizeOfSelect, "pcrSelect");
            var pcrs = new List<int>();
            for (var pcr = 0; pcr < sizeOfSelect * 8; pcr++)
            {
                if ((bits[pcr / 8] & (1 << (pcr % 8))) != 0)
                {
                    pcrs.Add(pcr);
                }
            }

            selection.Add(new TpmPcrSelection(hash, pcrs));
        }

        var pcrDigest = reader.Sized(MaxDigest, "pcrDigest").ToArray();
        reader.End();
        return new TpmQuoteInfo
        {
            Encoded = tpmsAttest.ToArray(),
            QualifiedSigner = signer,
            ExtraData = extraData,
            Clock = clock,
            ResetCount = resetCount,
            RestartCount = restartCount,
            Safe = safe == 1,
            FirmwareVersion = firmwareVersion,
            PcrSelection = selection,
            PcrDigest = pcrDigest,
        };
    }

    /// <summary>Writes TPMS_ATTEST of a quote (what a software TPM signs).</summary>
    public static byte[] Encode(
        ReadOnlySpan<byte> qualifiedSigner, ReadOnlySpan<byte> extraData, ulong clock, uint resetCount, uint restartCount, bool safe,
        ulong firmwareVersion, IReadOnlyList<TpmPcrSelection> selection, ReadOnlySpan<byte> pcrDigest)
    {
        if (qualifiedSigner.Length > MaxName || extraData.Length > MaxData || pcrDigest.Length > MaxDigest || selection.Count > MaxBanks)
        {
            throw new ArgumentException("A field of the quote is larger than TPMS_ATTEST allows.");
        }

        var writer = new TpmWriter()
            .U32(GeneratedValue)
            .U16(AttestQuote)
            .Sized(qualifiedSigner)
            .Sized(extraData)
            .U64(clock)
            .U32(resetCount)
            .U32(restartCount)
            .U8(safe ? (byte)1 : (byte)0)
            .U64(firmwareVersion)
            .U32((uint)selection.Count);
        foreach (var bank in selection)
        {
            // Three bytes (PCRs 0–23) is what every PC-client TPM writes.
            var bits = new byte[Math.Max(3, bank.Pcrs.Count == 0 ? 0 : bank.Pcrs.Max() / 8 + 1)];
            foreach (var pcr in bank.Pcrs)
            {
                if (pcr is < 0 || pcr >= MaxSelectBytes * 8)
                {
                    throw new ArgumentOutOfRangeException(nameof(selection), pcr, "A PCR index must be 0–31.");
                }

                bits[pcr / 8] |= (byte)(1 << (pcr % 8));
            }

            writer.Algorithm(bank.Hash).U8((byte)bits.Length).Bytes(bits);
        }

        return writer.Sized(pcrDigest).ToArray();
    }
}
