using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.KeyProtectors;

namespace Portal.HostGuardian.Tests.Infrastructure;

/// <summary>What a tenant makes outside the fabric: an owner guardian and key protectors for a VM key.</summary>
internal static class TenantSide
{
    private static readonly Lazy<Core.Shielding.Guardians.Guardian> LazyOwner = new(() => Core.Shielding.Guardians.Guardian.Create("Tenant owner"));
    private static readonly Lazy<Core.Shielding.Guardians.Guardian> LazyOtherFabric = new(() => Core.Shielding.Guardians.Guardian.Create("Another fabric"));

    public static Core.Shielding.Guardians.Guardian Owner => LazyOwner.Value;

    public static Core.Shielding.Guardians.Guardian OtherFabric => LazyOtherFabric.Value;

    /// <summary>A fresh VM key and its protector for the owner and the given fabric guardians.</summary>
    public static (byte[] VmKey, byte[] Protector) NewProtector(params GuardianPublicKeys[] fabrics)
    {
        var key = KeyProtector.GenerateKey();
        return (key, KeyProtector.Create(Owner.PublicKeys, fabrics, key).ToArray());
    }
}
