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
    public static TpmQuoteInfo Parse(ReadOnlySpan<byte> tpmsAttest) => throw new NotImplementedException();

    /// <summary>Writes TPMS_ATTEST of a quote (what a software TPM signs).</summary>
    public static byte[] Encode(
        ReadOnlySpan<byte> qualifiedSigner, ReadOnlySpan<byte> extraData, ulong clock, uint resetCount, uint restartCount, bool safe,
        ulong firmwareVersion, IReadOnlyList<TpmPcrSelection> selection, ReadOnlySpan<byte> pcrDigest) => throw new NotImplementedException();
}
