using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>The tenant's and the fabric's side of shielding, made once per test run (RSA key generation is slow).</summary>
internal static class TestShielding
{
    public const string PasswordMarker = "Marker-Pw-5d1e7b40-Secret!";
    public const string AnswerMarker = "Marker-Answer-93c0a4f1";
    public const string AnswerFile = "<unattend><ComputerName>@ComputerName@</ComputerName><TimeZone>@TimeZone@</TimeZone><Run>" + AnswerMarker + "</Run></unattend>";

    /// <summary>A 200 kB stand-in for a template disk.</summary>
    public static readonly byte[] TemplateDisk = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31 % 251)).ToArray();

    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly Lazy<Guardian> LazyOwner = new(() => Guardian.Create("Tenant owner"));
    private static readonly Lazy<Guardian> LazyFabric = new(() => Guardian.Create("Contoso fabric"));
    private static readonly Lazy<Guardian> LazyPublisher = new(() => Guardian.Create("Contoso template signing"));
    private static readonly Lazy<Guardian> LazyStranger = new(() => Guardian.Create("Unknown publisher"));
    private static readonly Lazy<VolumeSignatureCatalog> LazyCatalog = new(() => Sign(LazyPublisher.Value));
    private static readonly Lazy<VolumeSignatureCatalog> LazyStrangerCatalog = new(() => Sign(LazyStranger.Value));
    private static readonly Lazy<byte[]> LazyPdk = new(() => ShieldingDataFile.Create(
        Owner,
        [Fabric.PublicKeys],
        [VolumeIdQualifier.For(Catalog, VersionRule.GreaterThanOrEquals)],
        ShieldingPolicy.Shielded,
        ShieldingPayload.Create(PasswordMarker, AnswerFile, sshPublicKeys: ["ssh-ed25519 AAAAC3Nza marker@tenant"]),
        Time).ToArray());

    public static Guardian Owner => LazyOwner.Value;

    /// <summary>This fabric's guardian: the key HGS holds.</summary>
    public static Guardian Fabric => LazyFabric.Value;

    /// <summary>The template's catalog, signed by the publisher the shielding data trusts.</summary>
    public static VolumeSignatureCatalog Catalog => LazyCatalog.Value;

    /// <summary>The same disk signed by a publisher the shielding data does not name.</summary>
    public static VolumeSignatureCatalog StrangerCatalog => LazyStrangerCatalog.Value;

    public static byte[] Pdk => (byte[])LazyPdk.Value.Clone();

    public static string TemplateSha384 { get; } = Convert.ToHexString(SHA384.HashData(TemplateDisk));

    private static VolumeSignatureCatalog Sign(Guardian signer) =>
        VolumeSignatureCatalog.SignAsync(new MemoryStream(TemplateDisk), "WS2025-DC", new Version(10, 0, 26100, 1), "ws2025.vhdx", signer, Time)
            .GetAwaiter().GetResult();
}
