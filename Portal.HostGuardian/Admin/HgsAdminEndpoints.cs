using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Attestation.Protocol;

namespace Portal.HostGuardian.Admin;

/// <summary>The HGS admin API under <c>/hgs/v1/admin</c>, behind the admin API key.</summary>
public static class HgsAdminEndpoints
{
    public static RouteGroupBuilder MapHgsAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(HgsRoutes.Admin).WithTags("HGS admin")
            .AddEndpointFilter<AdminApiKeyFilter>()
            .AddEndpointFilter<AdminErrorFilter>();

        group.MapGet("/hosts", async (HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListHostsAsync(ct)));
        group.MapGet("/hosts/{id:guid}", GetHostAsync);
        group.MapPost("/hosts", async (RegisterHostRequest request, HgsAdministration admin, CancellationToken ct) =>
        {
            var host = await admin.RegisterHostAsync(request, ct);
            return TypedResults.Created($"{HgsRoutes.Admin}/hosts/{host.Id}", host);
        });
        group.MapDelete("/hosts/{id:guid}", DeleteAsync((admin, id, ct) => admin.RemoveHostAsync(id, ct)));

        group.MapGet("/baselines", async (HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListBaselinesAsync(ct)));
        group.MapPost("/baselines", async (TpmBaselineRequest request, HgsAdministration admin, CancellationToken ct) =>
            TypedResults.Created($"{HgsRoutes.Admin}/baselines", await admin.AddBaselineAsync(request, ct)));
        group.MapDelete("/baselines/{id:guid}", DeleteAsync((admin, id, ct) => admin.RemoveBaselineAsync(id, ct)));

        group.MapGet("/ci-policies", async (HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListCodeIntegrityPoliciesAsync(ct)));
        group.MapPost("/ci-policies", async (CodeIntegrityPolicyRequest request, HgsAdministration admin, CancellationToken ct) =>
            TypedResults.Created($"{HgsRoutes.Admin}/ci-policies", await admin.AddCodeIntegrityPolicyAsync(request, ct)));
        group.MapDelete("/ci-policies/{id:guid}", DeleteAsync((admin, id, ct) => admin.RemoveCodeIntegrityPolicyAsync(id, ct)));

        group.MapGet("/host-groups", async (HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListHostGroupsAsync(ct)));
        group.MapPost("/host-groups", async (HostGroupRequest request, HgsAdministration admin, CancellationToken ct) =>
            TypedResults.Created($"{HgsRoutes.Admin}/host-groups", await admin.CreateHostGroupAsync(request, ct)));
        group.MapDelete("/host-groups/{name}", async Task<Results<NoContent, NotFound>> (string name, HgsAdministration admin, CancellationToken ct) =>
            await admin.RemoveHostGroupAsync(name, ct) ? TypedResults.NoContent() : TypedResults.NotFound());

        group.MapGet("/attestations", async (Guid? hostId, int? take, HgsAdministration admin, CancellationToken ct) =>
            TypedResults.Ok(await admin.ListAttestationsAsync(hostId, take ?? 100, ct)));
        group.MapPost("/certificates/{serial:guid}/revoke", async (Guid serial, RevokeCertificateRequest request, HgsAdministration admin, CancellationToken ct) =>
        {
            await admin.RevokeCertificateAsync(serial, request.Reason, ct);
            return TypedResults.NoContent();
        });
        group.MapGet("/audit", async (int? take, HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListAuditAsync(take ?? 100, ct)));
        return group;
    }

    private static async Task<Results<Ok<RegisteredHostDto>, NotFound>> GetHostAsync(Guid id, HgsAdministration admin, CancellationToken cancellationToken) =>
        await admin.FindHostAsync(id, cancellationToken) is { } host ? TypedResults.Ok(host) : TypedResults.NotFound();

    private static Func<Guid, HgsAdministration, CancellationToken, Task<Results<NoContent, NotFound>>> DeleteAsync(
        Func<HgsAdministration, Guid, CancellationToken, Task<bool>> remove) =>
        async (id, admin, ct) => await remove(admin, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
}
