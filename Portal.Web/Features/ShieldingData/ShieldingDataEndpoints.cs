using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.Concurrency;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Core.Gallery;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.ShieldingData;

public static class ShieldingDataEndpoints
{
    /// <summary>A shielding data file (at most 1 MiB) with its form fields.</summary>
    public const long UploadBodyLimit = ShieldingDataService.MaxFileBytes + UploadRequests.Slack;

    public const long CatalogBodyLimit = TemplateCatalogService.MaxFileBytes + UploadRequests.Slack;

    public static IEndpointRouteBuilder MapShieldingDataEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/api/v1/shielding-data")
            .WithTags("Shielding data")
            .RequireAuthorization(PortalPolicies.Tenant)
            .RequireActiveTenantForChanges();
        files.MapGet("/", ListAsync)
            .WithName("ListShieldingData").WithSummary("Your shielding data files' public metadata (never their sealed contents).");
        files.MapGet("/{id}", GetAsync)
            .WithName("GetShieldingData").WithSummary("One of your shielding data files' public metadata.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        files.MapPost("/", UploadAsync)
            .WithName("UploadShieldingData").WithSummary("Upload a shielding data file (.pdk, at most 1 MiB).")
            .WithMetadata(new RequestSizeLimitAttribute(UploadBodyLimit))
            .Accepts<IFormFile>(OpenApiContent.Multipart)
            .AcceptsMultipartFile("file",
                new FormField("friendlyName", "The name shown for the file; the file's own name when empty."),
                new FormField("description", "An optional description."))
            .WithDescription("multipart/form-data: file (the .pdk), friendlyName, description. 400 with the reason for a bad file; 413 over 1 MiB.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithIdempotency();
        files.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteShieldingData").WithSummary("Delete a shielding data file no live VM uses (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var tenant = app.MapGroup("/api/v1").WithTags("Shielding data").RequireAuthorization(PortalPolicies.Tenant);
        tenant.MapGet("/fabric/guardian", DownloadGuardianAsync)
            .WithName("DownloadFabricGuardian").WithSummary("Download this fabric's guardian metadata (fabric-guardian.json).")
            .WithDescription("This fabric's guardian metadata, to list as a guardian when making a shielding data file.")
            .ProducesFile("application/json", description: "The guardian metadata file.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        tenant.MapGet("/templates/{id}/vsc", DownloadCatalogAsync)
            .WithName("DownloadTemplateCatalog").WithSummary("Download a shielding-capable template's volume signature catalog (.vsc).")
            .WithDescription("The signed volume signature catalog of a shielding-capable template, to trust its disk.")
            .ProducesFile(description: "The signed catalog file.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/api/admin/v1/templates/{id}/vsc", UploadCatalogAsync)
            .WithTags("Provider: gallery")
            .RequireAuthorization(PortalPolicies.ProviderAdmin)
            .WithMetadata(new RequestSizeLimitAttribute(CatalogBodyLimit))
            .WithName("AdminUploadTemplateCatalog").WithSummary("Upload a template's signed volume signature catalog.")
            .WithDescription("Upload a template's catalog (tenantportal vsc sign) as multipart 'file' or as the raw body; verified, then the template is shielding-capable.")
            .AcceptsMultipartFile("file")
            .AcceptsBinary()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithConcurrencyCheck<VmTemplate>();
        app.MapDelete("/api/admin/v1/templates/{id}/vsc", RemoveCatalogAsync)
            .WithTags("Provider: gallery")
            .RequireAuthorization(PortalPolicies.ProviderAdmin)
            .WithName("AdminRemoveTemplateCatalog").WithSummary("Remove a template's catalog.")
            .WithDescription("Remove a template's catalog; it is no longer shielding-capable. 409 when it has none.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<VmTemplate>();
        return app;
    }

    private static readonly SortFields<ShieldingDataDto> Orders = SortFields<ShieldingDataDto>
        .By("friendlyName", s => s.FriendlyName, s => s.Id).And("uploadedAt", s => s.UploadedAt);

    private static async Task<Ok<Page<ShieldingDataDto>>> ListAsync(
        ClaimsPrincipal user, ShieldingDataService shieldingData, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await shieldingData.ListAsync(user.GetRequiredTenantId(), ct)).ToPage(list, Orders)
            .WithNextLink(http.Request, list));

    private static async Task<Ok<ShieldingDataDto>> GetAsync(
        Guid id, ClaimsPrincipal user, ShieldingDataService shieldingData, CancellationToken ct) =>
        TypedResults.Ok(await shieldingData.GetAsync(user.GetRequiredTenantId(), id, ct));

    private static async Task<Created<ShieldingDataDto>> UploadAsync(
        HttpContext http, ClaimsPrincipal user, ShieldingDataService shieldingData, CancellationToken ct)
    {
        var (form, file) = await UploadRequests.ReadFileFormAsync(http, UploadBodyLimit, ct);
        await using var content = file.OpenReadStream();
        var stored = await shieldingData.UploadAsync(
            user.GetRequiredTenantId(), form["friendlyName"], form["description"], content, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/v1/shielding-data/{stored.Id}", stored);
    }

    private static async Task<NoContent> DeleteAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, ShieldingDataService shieldingData, CancellationToken ct)
    {
        await shieldingData.DeleteAsync(user.GetRequiredTenantId(), id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadGuardianAsync(
        IFabricGuardianSource fabric, CancellationToken ct) =>
        await fabric.GetAsync(ct) is { } guardian
            ? TypedResults.File(guardian.Metadata, "application/json", "fabric-guardian.json")
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No fabric guardian",
                detail: "This fabric has no guardian configured yet, so no shielded VM can run here. Ask your provider.");

    private static async Task<FileContentHttpResult> DownloadCatalogAsync(Guid id, TemplateCatalogService catalogs, CancellationToken ct)
    {
        var (content, fileName) = await catalogs.GetCatalogFileAsync(id, ct);
        return TypedResults.File(content, "application/octet-stream", fileName);
    }

    private static async Task<Ok<TemplateDto>> UploadCatalogAsync(
        Guid id, HttpContext http, TemplateCatalogService catalogs, CancellationToken ct)
    {
        if (http.Request.HasFormContentType)
        {
            var (_, file) = await UploadRequests.ReadFileFormAsync(http, CatalogBodyLimit, ct);
            await using var content = file.OpenReadStream();
            return TypedResults.Ok(await catalogs.AttachCatalogAsync(id, content, http.ToAuditActor(), ct));
        }

        UploadRequests.LimitBody(http, CatalogBodyLimit);
        return TypedResults.Ok(await catalogs.AttachCatalogAsync(id, http.Request.Body, http.ToAuditActor(), ct));
    }

    private static async Task<Ok<TemplateDto>> RemoveCatalogAsync(
        Guid id, HttpContext http, TemplateCatalogService catalogs, CancellationToken ct) =>
        TypedResults.Ok(await catalogs.RemoveCatalogAsync(id, http.ToAuditActor(), ct));
}
