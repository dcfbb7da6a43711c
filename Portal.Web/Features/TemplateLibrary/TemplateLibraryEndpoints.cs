using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.Concurrency;
using Portal.Core.Gallery;

namespace Portal.Web.Features.TemplateLibrary;

public static class TemplateLibraryEndpoints
{
    public static IEndpointRouteBuilder MapTemplateLibraryApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/admin/v1/templates/{id}/disk", UploadDiskAsync)
            .WithTags("Provider: gallery")
            .RequireAuthorization(PortalPolicies.ProviderAdmin)
            .WithMetadata(new DisableRequestSizeLimitAttribute())
            .Accepts<Stream>(OpenApiContent.Binary)
            .AcceptsBinary()
            .WithName("UploadTemplateDisk")
            .WithSummary("Upload a template's disk file")
            .WithDescription("The raw disk as the body (application/octet-stream), streamed and hashed (SHA-384) into the library. "
                + "413 over Library:MaxDiskBytes; 409 when the template's catalog signs another disk.")
            .Produces<TemplateDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithConcurrencyCheck<VmTemplate>();

        app.MapGet(FabricRoutes.TemplateDisks + "/{sha384}", DownloadDiskAsync)
            .WithTags("Fabric: host agents")
            .RequireAuthorization(FabricHostAuthenticationHandler.PolicyName)
            .WithName("DownloadTemplateDisk")
            .WithSummary("Download a template disk by its SHA-384")
            .WithDescription("For host agents. Supports Range requests (206) to resume; the ETag is the hash.")
            .ProducesFile(description: "The disk file.")
            .ProducesFile(status: StatusCodes.Status206PartialContent, description: "The requested range of the disk file.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);
        return app;
    }

    private static async Task<Ok<TemplateDto>> UploadDiskAsync(
        Guid id, HttpContext http, TemplateLibraryService library, TemplateDiskStore store, CancellationToken ct)
    {
        UploadRequests.LimitBody(http, store.MaxDiskBytes);
        return TypedResults.Ok(await library.UploadDiskAsync(id, http.Request.Body, http.ToAuditActor(), ct));
    }

    private static async Task<FileStreamHttpResult> DownloadDiskAsync(string sha384, TemplateLibraryService library, CancellationToken ct)
    {
        var disk = await library.OpenForHostAsync(sha384, ct);
        var hash = Path.GetFileNameWithoutExtension(disk.Name);
        return TypedResults.File(disk, "application/octet-stream", enableRangeProcessing: true,
            entityTag: new EntityTagHeaderValue($"\"{hash}\""));
    }
}
