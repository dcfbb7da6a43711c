using Portal.Core.Gallery;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;

namespace Portal.Data.Tests.Offers;

/// <summary>A tenant subscribed to a plan that offers one template and one size.</summary>
public sealed record OffersSeed(TenantAccount Tenant, Plan Plan, VmTemplate Template, HardwareProfile Size, Subscription Subscription)
{
    public static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static async Task<OffersSeed> CreateAsync(PortalDbContext db, QuotaLimits quota)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var tenant = TenantAccount.Create($"Contoso {suffix}", Now);
        var size = HardwareProfile.Create($"Small {suffix}", 2, 4, 40, "two cores", Now);
        var template = VmTemplate.Create($"Windows Server 2025 {suffix}", OsFamily.Windows, "2025 Datacenter", 2,
            "ws2025.vhdx", 40, size.Id, null, Now);
        template.AttachCatalog(VolumeSignatureCatalogInfo.Create("WS2025", "1.0", "CN=Contoso Signing", new string('A', 64)));
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
