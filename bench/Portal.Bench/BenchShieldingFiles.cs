using System.Security.Cryptography;
using System.Text;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Bench;

/// <summary>A shielding data file made as a tenant's tools make it, and its owner's signing key (public part).</summary>
public sealed record BenchShieldingFile(string Kind, byte[] Bytes, byte[] OwnerSigningKey);

/// <summary>
/// Shielding data files of the two sizes the upload benchmark sends: a typical one (an administrator password and a
/// small answer file) and the largest a tenant can make under the 1 MiB limit (the largest answer file and three sealed
/// files of the largest size). One owner and one fabric guardian, one volume ID qualifier.
/// </summary>
public static class BenchShieldingFiles
{
    public const string Typical = "typical";

    public const string Largest = "largest";

    private static readonly Lazy<(Guardian Owner, GuardianPublicKeys Fabric)> Keys = new(() =>
        (Guardian.Create("Bench tenant owner"), Guardian.Create("Bench fabric").PublicKeys));

    public static BenchShieldingFile Make(string kind)
    {
        var payload = kind switch
        {
            Typical => ShieldingPayload.Create("Pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)), Unattend(3 * 1024)),
            Largest => ShieldingPayload.Create(
                "Pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)),
                Unattend(240 * 1024),
                files: Enumerable.Range(1, 3).Select(i => new SecretFile($"secret-{i}.bin", RandomNumberGenerator.GetBytes(SecretFile.MaxBytes)))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "typical or largest"),
        };
        var (owner, fabric) = Keys.Value;
        var qualifier = VolumeIdQualifier.Create("WS2025-DC", fabric.SigningThumbprint, VersionRule.GreaterThanOrEquals, new Version(10, 0, 26100, 1));
        var file = ShieldingDataFile.Create(owner, [fabric], [qualifier], ShieldingPolicy.Shielded, payload, TimeProvider.System);
        return new BenchShieldingFile(kind, file.ToArray(), owner.PublicKeys.SigningKey.ToArray());
    }

    /// <summary>Answer-file-like text of about <paramref name="bytes"/> bytes, with the usual substitution strings.</summary>
    private static string Unattend(int bytes)
    {
        var text = new StringBuilder("<unattend><computerName>@ComputerName@</computerName>");
        while (text.Length < bytes - 20)
        {
            text.Append("<component name=\"setting\">value</component>");
        }

        return text.Append("</unattend>").ToString();
    }
}
