using Microsoft.Extensions.Time.Testing;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Core.Tests.Shielding;

/// <summary>Guardians made once per test run (RSA-3072 generation is slow) and a ready-made valid shielding data file.</summary>
internal static class TestGuardians
{
    public const string PasswordMarker = "Marker-7f3c2a9e-Secret!";

    /// <summary>A 300 kB stand-in for a template disk.</summary>
    public static readonly byte[] DiskBytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 251)).ToArray();

    /// <summary>The library hash of <see cref="DiskBytes"/>, as the portal records it on a template.</summary>
    public static readonly string DiskSha384 = Convert.ToHexString(System.Security.Cryptography.SHA384.HashData(DiskBytes));

    private static readonly Lazy<Guardian> LazyOwner = new(() => Guardian.Create("Tenant owner"));
    private static readonly Lazy<Guardian> LazyFabric = new(() => Guardian.Create("Contoso fabric"));
    private static readonly Lazy<Guardian> LazyOtherFabric = new(() => Guardian.Create("Fabrikam fabric"));
    private static readonly Lazy<Guardian> LazyStranger = new(() => Guardian.Create("Stranger"));
    private static readonly Lazy<Guardian> LazyProvider = new(() => Guardian.Create("Contoso template signing"));
    private static readonly Lazy<VolumeSignatureCatalog> LazyCatalog = new(() => SignCatalog(DiskBytes, "WS2025-DC", new Version(10, 0, 26100, 1)));
    private static readonly Lazy<byte[]> LazyPdk = new(() => CreatePdk().ToArray());

    public static Guardian Owner => LazyOwner.Value;

    public static Guardian Fabric => LazyFabric.Value;

    public static Guardian OtherFabric => LazyOtherFabric.Value;

    public static Guardian Stranger => LazyStranger.Value;

    public static Guardian Provider => LazyProvider.Value;

    public static VolumeSignatureCatalog Catalog => LazyCatalog.Value;

    /// <summary>A valid file: owner + two fabric guardians, one qualifier, password and answer file. Copy before changing.</summary>
    public static byte[] ValidPdk => (byte[])LazyPdk.Value.Clone();

    public static FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public static VolumeSignatureCatalog SignCatalog(byte[] disk, string name, Version version, Guardian? signer = null) =>
        VolumeSignatureCatalog.SignAsync(new MemoryStream(disk), name, version, "ws2025.vhdx", signer ?? Provider, Time).GetAwaiter().GetResult();

    public static ShieldingDataFile CreatePdk(
        ShieldingPayload? payload = null, ShieldingPolicy policy = ShieldingPolicy.Shielded, params GuardianPublicKeys[] guardians) =>
        ShieldingDataFile.Create(
            Owner,
            guardians.Length > 0 ? guardians : [Fabric.PublicKeys, OtherFabric.PublicKeys],
            [VolumeIdQualifier.For(Catalog, VersionRule.GreaterThanOrEquals)],
            policy,
            payload ?? ShieldingPayload.Create(PasswordMarker, "<unattend>@ComputerName@ @TimeZone@</unattend>"),
            Time);
}
