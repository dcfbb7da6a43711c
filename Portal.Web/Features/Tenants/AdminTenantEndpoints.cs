using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Tenants;
using Portal.Data;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Admin;

public static class AdminTenantEndpoints
{
    public static RouteGroupBuilder MapAdminTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/tenants")
            .WithTags("Provider: tenants")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync);
        return group;
    }

    private static async Task<Ok<Page<TenantSummaryDto>>> ListAsync(
        IDbContextFactory<PortalDbContext> dbFactory, string? search, int page = 1, int pageSize = 50,
        CancellationToken ct = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Tenants.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLower();
            query = query.Where(t => t.Name.ToLower().Contains(term));
        }

        var total = await query.CountAsync(ct);
        var items = await query
            .OrderBy(t => t.Name)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(t => new TenantSummaryDto(t.Id, t.Name, t.State, t.CreatedAt,
                db.Users.Count(u => u.TenantId == t.Id)))
            .ToListAsync(ct);
        return TypedResults.Ok(new Page<TenantSummaryDto>(items, page, pageSize, total));
    }
}

public sealed record TenantSummaryDto(Guid Id, string Name, TenantState State, DateTimeOffset CreatedAt, int Users);
