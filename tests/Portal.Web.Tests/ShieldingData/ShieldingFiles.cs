using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.Qualifiers;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.ShieldingData;

/// <summary>Keys, a signed catalog and shielding data files as a tenant's and a provider's tools make them.</summary>
public static class ShieldingFiles
{
    public const string DiskFileName = SignedCatalogs.DiskFileName;

    private static readonly Lazy<Guardian> LazyOwner = new(() => Guardian.Create("Tenant owner"));
    private static readonly Lazy<Guardian> LazyOtherOwner = new(() => Guardian.Create("Tenant owner"));
    private static readonly Lazy<Guardian> LazyOtherFabric = new(() => Guardian.Create("Fabrikam fabric"));
    private static readonly Lazy<VolumeSignatureCatalog> LazyCatalog = new(() => SignCatalog("WS2025-DC", new Version(10, 0, 26100, 1)));

    public static FakeTimeProvider Time => SignedCatalogs.Time;

    public static Guardian Owner => LazyOwner.Value;

    /// <summary>Another owner with the same name (so its records have the same length as <see cref="Owner"/>'s).</summary>
    public static Guardian OtherOwner => LazyOtherOwner.Value;

    public static Guardian OtherFabric => LazyOtherFabric.Value;

    public static Guardian Signer => SignedCatalogs.Signer;

    public static VolumeSignatureCatalog Catalog => LazyCatalog.Value;

    public static VolumeSignatureCatalog SignCatalog(string name, Version version, string diskFileName = DiskFileName) =>
        SignedCatalogs.Sign(name, version, diskFileName);

    /// <summary>A valid file trusting <see cref="Catalog"/>, for this test fabric unless other guardians are given.</summary>
    public static byte[] Pdk(
        string password = "P@ssw0rd-not-a-marker", string? answerFile = null, ShieldingPolicy policy = ShieldingPolicy.Shielded,
        params GuardianPublicKeys[] guardians) =>
        ShieldingDataFile.Create(
            Owner,
            guardians.Length > 0 ? guardians : [TestFabric.Guardian.PublicKeys],
            [VolumeIdQualifier.For(Catalog, VersionRule.GreaterThanOrEquals)],
            policy,
            ShieldingPayload.Create(password, answerFile),
            Time).ToArray();

    /// <summary>Where the guardian count byte of a file made by <see cref="Owner"/> lies (see docs/formats/pdk.md).</summary>
    public static int GuardianCountOffset()
    {
        var owner = Owner.PublicKeys;
        const int header = 4 + 2 + 16 + 8 + 1;
        return header + 2 + System.Text.Encoding.UTF8.GetByteCount(owner.Name)
            + 2 + owner.SigningKey.Length + 2 + owner.EncryptionKey.Length;
    }

    public static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    public static MultipartFormDataContent Form(byte[] file, string friendlyName, string? description = null, string fileName = "tenant.pdk")
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent
        {
            { content, "file", fileName },
            { new StringContent(friendlyName), "friendlyName" },
        };
        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }

        return form;
    }
}
