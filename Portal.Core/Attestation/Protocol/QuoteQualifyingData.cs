using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Attestation.Protocol;

/// <summary>
/// What a host puts in its quote's extraData: SHA-256("TPQD" ‖ nonce ‖ transport key thumbprint). It carries HGS's
/// single-use nonce, so a quote cannot be replayed, and binds the transport key the health certificate will name, so
/// a quote intercepted on its way cannot be sent again with another key.
/// </summary>
public static class QuoteQualifyingData
{
    public static byte[] For(ReadOnlySpan<byte> nonce, string transportKeyThumbprint)
    {
        var thumbprint = Encoding.ASCII.GetBytes(transportKeyThumbprint.ToUpperInvariant());
        var input = new byte[4 + nonce.Length + thumbprint.Length];
        "TPQD"u8.CopyTo(input);
        nonce.CopyTo(input.AsSpan(4));
        thumbprint.CopyTo(input.AsSpan(4 + nonce.Length));
        return SHA256.HashData(input);
    }
}
