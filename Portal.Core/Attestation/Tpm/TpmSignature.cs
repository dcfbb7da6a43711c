namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// A TPMT_SIGNATURE as <c>tpm2_quote -s</c> writes it: the scheme, its hash, and the signature (RSA) or r and s (ECDSA).
/// </summary>
public sealed record TpmSignature(TpmAlgorithm Scheme, TpmAlgorithm Hash, byte[] Signature, byte[] R, byte[] S)
{
    /// <summary>Parses TPMT_SIGNATURE; throws <see cref="TpmFormatException"/> on anything else.</summary>
    public static TpmSignature Parse(ReadOnlySpan<byte> tpmtSignature) => throw new NotImplementedException();

    /// <summary>The TPMT_SIGNATURE bytes.</summary>
    public byte[] ToBytes() => throw new NotImplementedException();
}
