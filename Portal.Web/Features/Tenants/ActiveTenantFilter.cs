using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Tenants;

/// <summary>
/// Refuses every state-changing tenant API call (anything but GET and HEAD) while the tenant account is suspended.
/// Reads the state per request, so a suspension applies to the very next call. Services check it again inside
/// their transactions; this filter makes the rule hold for every tenant endpoint, present and future.
/// </summary>
internal sealed class ActiveTenantFilter(IDbContextFactory<PortalDbContext> dbFactory) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var tenantId = http.User.GetRequiredTenantId();
            await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
            var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, http.RequestAborted);
            tenant.EnsureActive();
        }

        return await next(context);
    }
}

public static class ActiveTenantFilterExtensions
{
    public static TBuilder RequireActiveTenantForChanges<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, ActiveTenantFilter>();
}
