using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Attestation.Evidence;

/// <summary>A code-integrity policy is identified by the SHA-256 of its bytes (upper-case hex).</summary>
public static class CodeIntegrityPolicies
{
    /// <summary>The policy simulated hosts enforce by default; the one HGS allows for them.</summary>
    public const string DefaultPolicyText = MeasuredBoot.SimulatedFirmware.DefaultCodeIntegrityPolicy;

    public static string DefaultPolicyHash { get; } = HashOf(DefaultPolicyText);

    public static string HashOf(string policyText) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(policyText)));

    public static bool IsWellFormedHash(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigit);
}
