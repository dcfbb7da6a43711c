using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Api;

namespace Portal.HostGuardian.Admin;

/// <summary>The HGS admin API under <c>/hgs/v1/admin</c>, behind the admin API key.</summary>
public static class HgsAdminEndpoints
{
    public static RouteGroupBuilder MapHgsAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(HgsRoutes.Admin).WithTags(HgsOpenApi.AdminTag).WithGroupName(HgsOpenApi.DocumentName)
            .RequireHgsAdminKey()
            .AddEndpointFilter<AdminErrorFilter>()
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        group.MapGet("/hosts", async (HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListHostsAsync(ct)))
            .WithName("HgsListHosts").WithSummary("List registered hosts with their latest attestation");
        group.MapGet("/hosts/{id:guid}", GetHostAsync)
            .WithName("HgsGetHost").WithSummary("Get a registered host")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/hosts", async (RegisterHostRequest request, HgsAdministration admin, CancellationToken ct) =>
            {
                var host = await admin.RegisterHostAsync(request, ct);
                return TypedResults.Created($"{HgsRoutes.Admin}/hosts/{host.Id}", host);
            })
            .WithName("HgsRegisterHost").WithSummary("Register a host in one attestation mode")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/hosts/{id:guid}", DeleteAsync("host", (admin, id, ct) => admin.RemoveHostAsync(id, ct)))
            .WithName("HgsRemoveHost").WithSummary("Remove a host; its certificates stop releasing keys at once")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/baselines", async (BaselineAdministration baselines, CancellationToken ct) => TypedResults.Ok(await baselines.ListAsync(ct)))
            .WithName("HgsListBaselines").WithSummary("List allowed TPM baselines");
        group.MapPost("/baselines", async (TpmBaselineRequest request, BaselineAdministration baselines, CancellationToken ct) =>
                TypedResults.Created($"{HgsRoutes.Admin}/baselines", await baselines.AddAsync(request, ct)))
            .WithName("HgsAddBaseline").WithSummary("Allow a TPM baseline (the values of PCRs 0–7)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/baselines/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, BaselineAdministration baselines, CancellationToken ct) =>
                await baselines.RemoveAsync(id, ct) ? TypedResults.NoContent() : NotFound("baseline"))
            .WithName("HgsRemoveBaseline").WithSummary("Disallow a TPM baseline")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/hosts/{id:guid}/baseline-capture", async Task<Results<Ok<BaselineCaptureDto>, ProblemHttpResult>> (Guid id, BaselineAdministration baselines, CancellationToken ct) =>
                await baselines.CaptureAsync(id, ct) is { } capture ? TypedResults.Ok(capture) : NotFound("host with proven measurements"))
            .WithName("HgsCaptureBaseline").WithSummary("Capture a host's latest proven measurements, with how they differ from the nearest baseline")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/baselines/captured", async (AcceptBaselineRequest request, BaselineAdministration baselines, CancellationToken ct) =>
                TypedResults.Created($"{HgsRoutes.Admin}/baselines", await baselines.AcceptAsync(request, ct)))
            .WithName("HgsAcceptCapturedBaseline").WithSummary("Accept a host's reviewed measurements as a new TPM baseline")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/ci-policies", async (HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListCodeIntegrityPoliciesAsync(ct)))
            .WithName("HgsListCodeIntegrityPolicies").WithSummary("List allowed code-integrity policies");
        group.MapPost("/ci-policies", async (CodeIntegrityPolicyRequest request, HgsAdministration admin, CancellationToken ct) =>
                TypedResults.Created($"{HgsRoutes.Admin}/ci-policies", await admin.AddCodeIntegrityPolicyAsync(request, ct)))
            .WithName("HgsAddCodeIntegrityPolicy").WithSummary("Allow a code-integrity policy (SHA-256)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/ci-policies/{id:guid}", DeleteAsync("code-integrity policy", (admin, id, ct) => admin.RemoveCodeIntegrityPolicyAsync(id, ct)))
            .WithName("HgsRemoveCodeIntegrityPolicy").WithSummary("Disallow a code-integrity policy")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/host-groups", async (HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListHostGroupsAsync(ct)))
            .WithName("HgsListHostGroups").WithSummary("List allowed host groups");
        group.MapPost("/host-groups", async (HostGroupRequest request, HgsAdministration admin, CancellationToken ct) =>
                TypedResults.Created($"{HgsRoutes.Admin}/host-groups", await admin.CreateHostGroupAsync(request, ct)))
            .WithName("HgsCreateHostGroup").WithSummary("Create a host group; the answer shows its credential once")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/host-groups/{name}", async Task<Results<NoContent, ProblemHttpResult>> (string name, HgsAdministration admin, CancellationToken ct) =>
                await admin.RemoveHostGroupAsync(name, ct) ? TypedResults.NoContent() : NotFound("host group"))
            .WithName("HgsRemoveHostGroup").WithSummary("Disallow a host group; its hosts fail attestation from now on")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/attestations", async (Guid? hostId, int? take, HgsAdministration admin, CancellationToken ct) =>
                TypedResults.Ok(await admin.ListAttestationsAsync(hostId, take ?? 100, ct)))
            .WithName("HgsListAttestations").WithSummary("List recent attestations (newest first, at most 500)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/certificates/{serial:guid}/revoke", async (Guid serial, RevokeCertificateRequest request, HgsAdministration admin, CancellationToken ct) =>
            {
                await admin.RevokeCertificateAsync(serial, request.Reason, ct);
                return TypedResults.NoContent();
            })
            .WithName("HgsRevokeCertificate").WithSummary("Revoke a health certificate by serial")
            .ProducesValidationProblem();
        group.MapGet("/audit", async (int? take, HgsAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListAuditAsync(take ?? 100, ct)))
            .WithName("HgsListAudit").WithSummary("List recent audit entries (newest first, at most 500)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    private static async Task<Results<Ok<RegisteredHostDto>, ProblemHttpResult>> GetHostAsync(Guid id, HgsAdministration admin, CancellationToken cancellationToken) =>
        await admin.FindHostAsync(id, cancellationToken) is { } host ? TypedResults.Ok(host) : NotFound("host");

    private static Func<Guid, HgsAdministration, CancellationToken, Task<Results<NoContent, ProblemHttpResult>>> DeleteAsync(
        string what, Func<HgsAdministration, Guid, CancellationToken, Task<bool>> remove) =>
        async (id, admin, ct) => await remove(admin, id, ct) ? TypedResults.NoContent() : NotFound(what);

    private static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: $"No such {what}.", statusCode: StatusCodes.Status404NotFound);
}
