using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Audit;

public static class AuditEndpoints
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditChainVerification>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/activity", ActivityAsync)
            .WithTags("Activity")
            .RequireAuthorization(PortalPolicies.Tenant)
            .WithName("ListActivity")
            .WithSummary("Your tenant account's audit trail, newest first.");

        var admin = app.MapGroup("/api/admin/v1")
            .WithTags("Provider: audit")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        admin.MapGet("/audit", AuditAsync)
            .WithName("AdminListAudit")
            .WithSummary("Every state-changing act of anyone, newest first.");
        admin.MapGet("/audit/verification", VerifyAsync)
            .WithName("AdminVerifyAuditChain")
            .WithSummary("Walk the audit log's hash chain from its first entry: intact, with its length and head hash, or the first broken link.");
        admin.MapGet("/audit/chain", ChainAsync)
            .WithName("AdminExportAuditChain")
            .WithSummary("The audit log's hash chain in order (after=place, top=1 to 1000), each entry with its place and hashes, to check it elsewhere; total is the head's place.")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<Ok<Page<AuditEntryDto>>> ActivityAsync(
        ClaimsPrincipal user, AuditLog log, string? search, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct = default) =>
        TypedResults.Ok((await log.ReadForTenantAsync(user.GetRequiredTenantId(), search, list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<Page<AuditEntryDto>>> AuditAsync(
        AuditLog log, string? search, Guid? tenantId, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct = default) =>
        TypedResults.Ok((await log.ReadAsync(search, tenantId, list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<AuditChainReport>> VerifyAsync(AuditChainVerification chain, CancellationToken ct) =>
        TypedResults.Ok(await chain.VerifyAsync(ct));

    private static async Task<Ok<Page<ChainedAuditEntry>>> ChainAsync(
        AuditChainVerification chain, HttpContext http, long after = 0, int top = AuditChainVerification.DefaultPageSize, CancellationToken ct = default)
    {
        if (after < 0)
        {
            throw DomainValidationException.For("after", "after is a place in the chain: 0 or more.");
        }

        if (top is < 1 or > AuditChainVerification.MaxPageSize)
        {
            throw DomainValidationException.For("top", $"top is a page size from 1 to {AuditChainVerification.MaxPageSize} (default {AuditChainVerification.DefaultPageSize}).");
        }

        var (entries, headSequence) = await chain.ReadAsync(after, top, ct);

        // Pages follow places, not offsets, so entries appended meanwhile never shift a page; the head says when to stop.
        var last = entries.Count == 0 ? after : entries[^1].Sequence;
        var next = entries.Count > 0 && (entries.Count == top || last < headSequence)
            ? string.Create(CultureInfo.InvariantCulture, $"{http.Request.PathBase}{http.Request.Path}?after={last}&top={top}")
            : null;
        return TypedResults.Ok(new Page<ChainedAuditEntry>(entries, checked((int)headSequence), next));
    }
}
