using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Data;
using Portal.Data.Concurrency;

namespace Portal.Web.Infrastructure.Concurrency;

public static class ConcurrencyEndpointExtensions
{
    private const string ETagDescription = "The resource's version; send it back as If-Match to change the resource only if nobody else did.";

    /// <summary>Sends the resource's version as the ETag of a read.</summary>
    public static RouteHandlerBuilder WithETag(this RouteHandlerBuilder builder) =>
        builder
            .AddEndpointFilter(async (context, next) =>
            {
                var result = await next(context);
                ETags.Write(context.HttpContext.Response, result);
                return result;
            })
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.AddResponseHeader("ETag", ETagDescription);
                return Task.CompletedTask;
            });

    /// <summary>
    /// Honours If-Match on a change of the <typeparamref name="TEntity"/> named by the route's <c>id</c>: a version
    /// other than the current one answers 412 and changes nothing; the save itself repeats the check in its UPDATE.
    /// Without If-Match the change applies to whatever is current. The answer carries the new ETag.
    /// <paramref name="ownedByTenant"/>: only the caller's tenant's rows are compared, so another tenant's id still
    /// answers 404 from the handler rather than revealing that it exists.
    /// </summary>
    public static RouteHandlerBuilder WithConcurrencyCheck<TEntity>(this RouteHandlerBuilder builder, bool ownedByTenant = false)
        where TEntity : class, IVersioned =>
        builder
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                if (ETags.ExpectedVersion(http.Request) is not { } expected
                    || !Guid.TryParse(http.Request.RouteValues["id"]?.ToString(), out var id))
                {
                    var unconditional = await next(context);
                    ETags.Write(http.Response, unconditional);
                    return unconditional;
                }

                var current = await CurrentVersionAsync<TEntity>(http, id, ownedByTenant);
                if (current is { } version && version != expected)
                {
                    return TypedResults.Problem(
                        statusCode: StatusCodes.Status412PreconditionFailed,
                        title: "The resource has changed",
                        detail: $"It is at version {ETags.Format(version)}, not {ETags.Format(expected)} as If-Match says: "
                            + "read it again and reapply your change.",
                        extensions: new Dictionary<string, object?> { ["currentETag"] = ETags.Format(version) });
                }

                using var expectation = ConcurrencyExpectation.Expect(id, expected);
                var result = await next(context);
                ETags.Write(http.Response, result);
                return result;
            })
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.AddRequestHeader("If-Match",
                    "The ETag you read; when the resource has changed since, the request answers 412 and changes nothing.");
                operation.AddResponseHeader("ETag", ETagDescription);
                return Task.CompletedTask;
            });

    private static async Task<long?> CurrentVersionAsync<TEntity>(HttpContext http, Guid id, bool ownedByTenant)
        where TEntity : class, IVersioned
    {
        var dbFactory = http.RequestServices.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        var query = db.Set<TEntity>().AsNoTracking().Where(e => e.Id == id);
        if (ownedByTenant)
        {
            var tenantId = http.User.GetRequiredTenantId();
            query = query.Where(e => EF.Property<Guid>(e, "TenantId") == tenantId);
        }

        return await query.Select(e => (long?)e.Version).SingleOrDefaultAsync(http.RequestAborted);
    }
}
