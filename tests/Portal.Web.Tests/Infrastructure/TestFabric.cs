using Portal.Core.Shielding.Guardians;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// The fabric guardian every test portal is configured with (<c>Fabric:GuardianMetadataFile</c>): made once per run
/// because RSA-3072 generation is slow. Tests keep its private keys only to prove what a guardian could open.
/// </summary>
public static class TestFabric
{
    private static readonly Lazy<(Guardian Guardian, string MetadataFile)> Lazy = new(() =>
    {
        var guardian = Guardian.Create("Test fabric");
        var path = Path.Combine(Path.GetTempPath(), $"tenantportal-test-fabric-{Environment.ProcessId}.guardian-metadata.json");
        File.WriteAllBytes(path, GuardianMetadata.WriteUtf8(guardian));
        return (guardian, path);
    });

    public static Guardian Guardian => Lazy.Value.Guardian;

    public static string MetadataFile => Lazy.Value.MetadataFile;
}
