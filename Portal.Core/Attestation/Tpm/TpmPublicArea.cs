namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// A TPM key's public area (TPMT_PUBLIC) as the TPM defines it: RSA or ECC, with its name algorithm, attributes and
/// auth policy. Read from TPM2B_PUBLIC, the form <c>tpm2_readpublic -o</c> and <c>tpm2_createak -u</c> write. Its
/// <see cref="Name"/> (nameAlg ‖ H(TPMT_PUBLIC)) is what credential activation binds and what a quote's signer names.
/// </summary>
public sealed class TpmPublicArea
{
    private TpmPublicArea()
    {
    }

    /// <summary>TPM2B_PUBLIC bytes: a 2-byte size, then TPMT_PUBLIC.</summary>
    public byte[] Encoded { get; private init; } = [];

    public TpmAlgorithm Type { get; private init; }

    public TpmAlgorithm NameAlgorithm { get; private init; }

    public TpmObjectAttributes Attributes { get; private init; }

    /// <summary>nameAlg (2 bytes, big-endian) ‖ digest of TPMT_PUBLIC.</summary>
    public byte[] Name { get; private init; } = [];

    /// <summary>Upper-case hex of <see cref="Name"/>.</summary>
    public string NameHex => Convert.ToHexString(Name);

    /// <summary>
    /// True for a key fit to be an attestation key: a restricted signing key (so the TPM signs only what it produced
    /// itself), fixed to this TPM and its parent, generated inside it, and not a decryption key.
    /// </summary>
    public bool IsAttestationKey => throw new NotImplementedException();

    /// <summary>Parses TPM2B_PUBLIC; throws <see cref="TpmFormatException"/> when it is not one RSA or ECC public area.</summary>
    public static TpmPublicArea Parse(ReadOnlySpan<byte> tpm2bPublic) => throw new NotImplementedException();

    /// <summary>Verifies a TPMT_SIGNATURE by this key over <paramref name="signed"/> (RSASSA, RSAPSS or ECDSA; SHA-256/384/512).</summary>
    public bool Verify(ReadOnlySpan<byte> signed, TpmSignature signature) => throw new NotImplementedException();

    /// <summary>The key as DER SubjectPublicKeyInfo (to compare with an EK certificate's key, or to show a thumbprint).</summary>
    public byte[] ToSubjectPublicKeyInfo() => throw new NotImplementedException();
}
