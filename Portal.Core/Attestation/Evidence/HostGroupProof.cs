using System.Security.Cryptography;

namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// Admin-trusted (legacy) evidence: proof that the host holds its host group's shared credential, without sending it —
/// HMAC-SHA256 keyed with the credential over the nonce, the transport key thumbprint and the host name.
/// </summary>
public static class HostGroupProof
{
    /// <summary>Bytes of a freshly generated group credential.</summary>
    public const int CredentialLength = 32;

    public static byte[] CreateCredential() => RandomNumberGenerator.GetBytes(CredentialLength);

    public static byte[] Compute(ReadOnlySpan<byte> credential, ReadOnlySpan<byte> nonce, string transportKeyThumbprint, string hostName) =>
        HMACSHA256.HashData(credential, new StatementBuilder("TADM")
            .Add(nonce)
            .Add(transportKeyThumbprint.ToUpperInvariant())
            .Add(hostName)
            .ToArray());

    public static bool Verify(ReadOnlySpan<byte> credential, ReadOnlySpan<byte> nonce, string transportKeyThumbprint, string hostName, ReadOnlySpan<byte> proof) =>
        CryptographicOperations.FixedTimeEquals(Compute(credential, nonce, transportKeyThumbprint, hostName), proof);
}
