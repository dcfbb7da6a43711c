using System.Globalization;
using Portal.Core.Common;

namespace Portal.Core.Gallery;

/// <summary>
/// Public facts of the volume signature catalog (VSC) that signs a template disk; shielding data files
/// trust a template through these (name + signer + version rule), and agents verify the disk against the hash.
/// </summary>
public sealed record VolumeSignatureCatalogInfo
{
    public const int VscNameMaxLength = 128;
    public const int SignerMaxLength = 512;
    public const int DiskHashMinLength = 40;
    public const int DiskHashMaxLength = 128;

    // For EF Core, which binds through the private constructor.
    private VolumeSignatureCatalogInfo(string vscName, string vscVersion, string signer, string diskHash)
    {
        VscName = vscName;
        VscVersion = vscVersion;
        Signer = signer;
        DiskHash = diskHash;
    }

    public string VscName { get; private init; }

    /// <summary>Four-part version, e.g. "1.0.0.0".</summary>
    public string VscVersion { get; private init; }

    /// <summary>Certificate thumbprint or subject of the signer.</summary>
    public string Signer { get; private init; }

    /// <summary>Upper-case hex hash of the signed disk.</summary>
    public string DiskHash { get; private init; }

    public static VolumeSignatureCatalogInfo Create(string vscName, string vscVersion, string signer, string diskHash) => new(
        Guard.Text(vscName, nameof(VscName), 1, VscNameMaxLength),
        NormalizeVersion(vscVersion),
        Guard.Text(signer, nameof(Signer), 1, SignerMaxLength),
        NormalizeHash(diskHash));

    public Version GetVersion() => Version.Parse(VscVersion);

    private static string NormalizeVersion(string? value)
    {
        var text = Guard.Text(value, nameof(VscVersion), 1, 64);
        if (!Version.TryParse(text, out var version))
        {
            throw DomainValidationException.For(nameof(VscVersion),
                $"{nameof(VscVersion)} must be a version such as 1.0.0.0.");
        }

        // "1.2" and "1.2.0.0" are the same catalog version; store one spelling so comparisons are simple.
        return new Version(version.Major, version.Minor, Math.Max(version.Build, 0), Math.Max(version.Revision, 0))
            .ToString();
    }

    private static string NormalizeHash(string? value)
    {
        var text = Guard.Text(value, nameof(DiskHash), DiskHashMinLength, DiskHashMaxLength);
        if (text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            throw DomainValidationException.For(nameof(DiskHash),
                $"{nameof(DiskHash)} must be a hexadecimal hash (an even number of 0-9, A-F characters).");
        }

        return text.ToUpper(CultureInfo.InvariantCulture);
    }
}
