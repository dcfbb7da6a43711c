using System.Security.Cryptography;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// Checks the local template disk before a VM is built from it: its SHA-384 against the library's, its signed catalog
/// (when it has one) against the bytes, and — for a shielded VM — the tenant's qualifiers against that catalog. Every
/// doubt fails closed with a reason a person can act on.
/// </summary>
public static class TemplateDiskVerifier
{
    /// <summary>Returns what was verified, in words; throws <see cref="JobStepFailedException"/> otherwise.</summary>
    public static async Task<string> VerifyAsync(string path, TemplateDiskSpec disk, ShieldingDataMetadata? shielding, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(disk);
        string actual;
        long length;
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1024 * 1024, useAsync: true))
        {
            length = stream.Length;
            actual = Convert.ToHexString(await SHA384.HashDataAsync(stream, ct));
        }

        if (length != disk.SizeBytes || !string.Equals(actual, disk.Sha384, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail("TemplateDiskMismatch",
                $"The template disk on this host ({length} bytes, SHA-384 {Short(actual)}) is not the library's ({disk.SizeBytes} bytes, SHA-384 {Short(disk.Sha384)}).");
        }

        if (disk.CatalogFile is null)
        {
            return shielding is null
                ? "The disk's SHA-384 matches the library (the template has no signature catalog)."
                : throw Fail("NoCatalog", "A shielded VM needs a template disk signed with a volume signature catalog; this template has none.");
        }

        VolumeSignatureCatalog catalog;
        try
        {
            catalog = VolumeSignatureCatalog.Read(disk.CatalogFile);
        }
        catch (VolumeSignatureCatalogFormatException e)
        {
            throw Fail("CatalogInvalid", e.Message);
        }

        var named = $"catalog \"{catalog.Name}\" version {catalog.Version} signed by \"{catalog.SignerName}\" ({catalog.SignerThumbprint})";
        if (catalog.DiskSize != length || !string.Equals(catalog.DiskHashHex, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail("CatalogMismatch", $"The template disk is not the disk the {named} describes.");
        }

        if (shielding is not null && !shielding.Trusts(catalog))
        {
            throw Fail("CatalogNotTrusted", $"The shielding data does not trust the template's {named}.");
        }

        return shielding is null
            ? $"The disk matches the library and its {named}."
            : $"The disk matches its {named}, which the shielding data trusts.";
    }

    private static string Short(string hash) => hash.Length > 16 ? hash[..16] + "…" : hash;

    private static JobStepFailedException Fail(string code, string message) => new(code, message, retryable: false);
}
