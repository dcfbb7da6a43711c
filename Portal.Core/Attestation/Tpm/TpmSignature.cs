namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// A TPMT_SIGNATURE as <c>tpm2_quote -s</c> writes it: the scheme, its hash, and the signature (RSA) or r and s (ECDSA).
/// </summary>
public sealed record TpmSignature(TpmAlgorithm Scheme, TpmAlgorithm Hash, byte[] Signature, byte[] R, byte[] S)
{
    private const string Structure = "TPMT_SIGNATURE";
    private const int MaxRsaSignature = 512;
    private const int MaxEccCoordinate = 66;

    /// <summary>An RSASSA or RSAPSS signature.</summary>
    public static TpmSignature Rsa(TpmAlgorithm scheme, TpmAlgorithm hash, byte[] signature) => new(scheme, hash, signature, [], []);

    /// <summary>An ECDSA signature from its r and s (big-endian).</summary>
    public static TpmSignature Ecdsa(TpmAlgorithm hash, byte[] r, byte[] s) => new(TpmAlgorithm.Ecdsa, hash, [], r, s);

    /// <summary>Parses TPMT_SIGNATURE; throws <see cref="TpmFormatException"/> on anything else.</summary>
    public static TpmSignature Parse(ReadOnlySpan<byte> tpmtSignature)
    {
        var reader = new TpmReader(tpmtSignature, Structure);
        var scheme = reader.Algorithm();
        var hash = reader.Algorithm();
        TpmSignature signature = scheme switch
        {
            TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss => Rsa(scheme, hash, reader.Sized(MaxRsaSignature, "the RSA signature").ToArray()),
            TpmAlgorithm.Ecdsa => Ecdsa(hash, reader.Sized(MaxEccCoordinate, "r").ToArray(), reader.Sized(MaxEccCoordinate, "s").ToArray()),
            _ => throw reader.Fail($"the signature scheme 0x{(ushort)scheme:X4} is not RSASSA, RSAPSS or ECDSA"),
        };
        reader.End();
        return signature;
    }

    /// <summary>The TPMT_SIGNATURE bytes.</summary>
    public byte[] ToBytes()
    {
        var writer = new TpmWriter().Algorithm(Scheme).Algorithm(Hash);
        return Scheme switch
        {
            TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss => writer.Sized(Signature).ToArray(),
            TpmAlgorithm.Ecdsa => writer.Sized(R).Sized(S).ToArray(),
            _ => throw new InvalidOperationException($"{Scheme} is not a signature scheme this writes."),
        };
    }
}
