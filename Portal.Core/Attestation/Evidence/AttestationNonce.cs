using System.Security.Cryptography;

namespace Portal.Core.Attestation.Evidence;

/// <summary>HGS's challenge: 32 random bytes, valid once and briefly; every piece of evidence signs it.</summary>
public static class AttestationNonce
{
    public const int Length = 32;

    public static byte[] Create() => RandomNumberGenerator.GetBytes(Length);
}
