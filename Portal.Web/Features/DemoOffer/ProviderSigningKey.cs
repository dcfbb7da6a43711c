using Portal.Core.Common;
using Portal.Core.Shielding.Guardians;

namespace Portal.Web.Features.DemoOffer;

/// <summary>
/// The provider's template-signing guardian for the embedded demo, kept as a guardian key file in the data folder
/// (readable by the portal's user only) — never in the database, which a tenant-facing dump must not turn into a
/// way to sign disks.
/// </summary>
public static class ProviderSigningKey
{
    public const string FileName = "provider-vsc-signing.guardian.json";

    public const string GuardianName = "TenantPortal demo template signing";

    public static string PathIn(string dataFolder) => Path.Combine(dataFolder, FileName);

    /// <summary>Loads the key file, or makes a new guardian and writes it (0600 on Unix) when there is none.</summary>
    public static Guardian LoadOrCreate(string dataFolder)
    {
        var path = PathIn(dataFolder);
        if (File.Exists(path))
        {
            return GuardianKeyFile.Read(File.ReadAllText(path), passphrase: null);
        }

        Directory.CreateDirectory(dataFolder);
        var guardian = Guardian.Create(GuardianName);
        using (var file = new FileStream(path, PrivateFiles.CreateNew()))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(GuardianKeyFile.Write(guardian, passphrase: null));
        }

        return guardian;
    }
}
