using Microsoft.EntityFrameworkCore;
using Portal.Core.Plans;
using Portal.Data;
using Portal.Web.Features.Gallery;

namespace Portal.Web.Features.Plans;

/// <summary>What tenants may browse: public plans with the templates and sizes they offer.</summary>
public sealed class PlanCatalog(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<PublicPlanDto>> ListPublicAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plans = await db.Plans.AsNoTracking().Where(p => p.State == PlanState.Public).OrderBy(p => p.Name).ToListAsync(ct);
        var templateIds = plans.SelectMany(p => p.OfferedTemplateIds).Distinct().ToList();
        var profileIds = plans.SelectMany(p => p.OfferedHardwareProfileIds).Distinct().ToList();
        var templates = await db.VmTemplates.AsNoTracking()
            .Where(t => templateIds.Contains(t.Id) && t.IsActive).ToListAsync(ct);
        var profiles = await db.HardwareProfiles.AsNoTracking().Where(p => profileIds.Contains(p.Id)).ToListAsync(ct);
        return [.. plans.Select(p => new PublicPlanDto(
            p.Id, p.Name, p.Description, QuotaDto.From(p.Quota), p.AllowShieldedVms, p.RequiresInvitation,
            p.MaxSubscriptionsPerTenant,
            [.. templates.Where(t => p.OffersTemplate(t.Id)).OrderBy(t => t.Name).Select(t => t.ToDto())],
            [.. profiles.Where(s => p.OffersHardwareProfile(s.Id)).OrderBy(s => s.Vcpus).ThenBy(s => s.MemoryGiB)
                .Select(s => s.ToDto())]))];
    }
}
