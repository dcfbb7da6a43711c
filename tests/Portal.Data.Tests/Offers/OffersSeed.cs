using Microsoft.Extensions.Time.Testing;
using Portal.Core.Gallery;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;

namespace Portal.Data.Tests.Offers;

/// <summary>A tenant subscribed to a plan that offers one template and one size.</summary>
public sealed record OffersSeed(TenantAccount Tenant, Plan Plan, VmTemplate Template, HardwareProfile Size, Subscription Subscription)
{
    public static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    // A real signed catalog of a small disk: the only way a template becomes shielding-capable. Signed once per run,
    // since making the signing guardian (RSA-3072) is the slow part.
    private static readonly Lazy<Task<VolumeSignatureCatalog>> SignedCatalog = new(() => VolumeSignatureCatalog.SignAsync(
        new MemoryStream(new byte[4096]), "WS2025", new Version(1, 0), "ws2025.vhdx",
        Guardian.Create("Contoso Signing"), new FakeTimeProvider(Now)));

    public static async Task<OffersSeed> CreateAsync(PortalDbContext db, QuotaLimits quota)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var tenant = TenantAccount.Create($"Contoso {suffix}", Now);
        var size = HardwareProfile.Create($"Small {suffix}", 2, 4, 40, "two cores", Now);
        var template = VmTemplate.Create($"Windows Server 2025 {suffix}", OsFamily.Windows, "2025 Datacenter", 2,
            "ws2025.vhdx", 40, size.Id, null, Now);
        var catalog = await SignedCatalog.Value;
        template.AttachDisk(catalog.DiskHashHex, catalog.DiskSize);
        template.AttachCatalog(catalog);
        var plan = Plan.Create($"Gold {suffix}", "for tests", quota, allowShieldedVms: true, invitationCode: null,
            maxSubscriptionsPerTenant: null, Now);
        plan.SetOfferings([template.Id], [size.Id]);
        plan.Publish();
        var subscription = Subscription.Create(tenant.Id, plan.Id, "Production", Now);

        db.AddRange(tenant, size, template, plan, subscription);
        await db.SaveChangesAsync();
        return new OffersSeed(tenant, plan, template, size, subscription);
    }
}
