using System.Security.Cryptography;

namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// Host-key mode evidence: the host's registered key (ECDSA P-256 / SHA-256, IEEE P1363) signs the nonce, the
/// transport key thumbprint and its reported configuration.
/// </summary>
public static class HostKeyStatement
{
    public static readonly HashAlgorithmName Hash = HashAlgorithmName.SHA256;

    public static byte[] SignedBytes(ReadOnlySpan<byte> nonce, string transportKeyThumbprint, HostConfigurationReport configuration) =>
        new StatementBuilder("THKS")
            .Add(nonce)
            .Add(transportKeyThumbprint.ToUpperInvariant())
            .Add(configuration.Canonical())
            .ToArray();

    public static bool Verify(ReadOnlySpan<byte> hostKeySpki, ReadOnlySpan<byte> signedBytes, ReadOnlySpan<byte> signature) =>
        EcdsaKeys.Verify(hostKeySpki, signedBytes, signature, Hash);
}
