using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Concurrency;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Core.Gallery;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Gallery;

public static class AdminGalleryEndpoints
{
    public static IEndpointRouteBuilder MapAdminGalleryEndpoints(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/admin/v1/templates")
            .WithTags("Provider: gallery")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        templates.MapGet("/", ListTemplatesAsync)
            .WithName("AdminListTemplates").WithSummary("The gallery's VM templates, shielding-capable ones with their catalog.");
        templates.MapGet("/{id}", GetTemplateAsync)
            .WithName("AdminGetTemplate").WithSummary("One VM template.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();
        templates.MapPost("/", CreateTemplateAsync)
            .WithName("AdminCreateTemplate").WithSummary("Add a VM template to the gallery.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();
        templates.MapPut("/{id}", UpdateTemplateAsync)
            .WithName("AdminUpdateTemplate").WithSummary("Change a VM template.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<VmTemplate>();
        templates.MapPost("/{id}/retire", RetireTemplateAsync)
            .WithName("AdminRetireTemplate").WithSummary("Offer a template for no new VMs; existing VMs keep it.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<VmTemplate>();
        templates.MapPost("/{id}/reactivate", ReactivateTemplateAsync)
            .WithName("AdminReactivateTemplate").WithSummary("Offer a retired template again.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<VmTemplate>();
        templates.MapDelete("/{id}", DeleteTemplateAsync)
            .WithName("AdminDeleteTemplate").WithSummary("Delete a template no plan or VM uses (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<VmTemplate>();

        var profiles = app.MapGroup("/api/admin/v1/hardware-profiles")
            .WithTags("Provider: gallery")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        profiles.MapGet("/", ListProfilesAsync)
            .WithName("AdminListHardwareProfiles").WithSummary("The VM sizes: vCPUs, memory and disk.");
        profiles.MapGet("/{id}", GetProfileAsync)
            .WithName("AdminGetHardwareProfile").WithSummary("One VM size.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();
        profiles.MapPost("/", CreateProfileAsync)
            .WithName("AdminCreateHardwareProfile").WithSummary("Add a VM size.")
            .ProducesValidationProblem()
            .WithIdempotency();
        profiles.MapPut("/{id}", UpdateProfileAsync)
            .WithName("AdminUpdateHardwareProfile").WithSummary("Change a VM size; VMs already made keep theirs.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<HardwareProfile>();
        profiles.MapDelete("/{id}", DeleteProfileAsync)
            .WithName("AdminDeleteHardwareProfile").WithSummary("Delete a VM size no plan or template uses (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<HardwareProfile>();
        return app;
    }

    private static readonly SortFields<TemplateDto> TemplateOrders = SortFields<TemplateDto>
        .By("name", t => t.Name, t => t.Id).And("createdAt", t => t.CreatedAt);

    private static readonly SortFields<HardwareProfileDto> ProfileOrders = SortFields<HardwareProfileDto>
        .By("vcpus", p => p.Vcpus, p => p.Id).And("memoryGiB", p => p.MemoryGiB).And("name", p => p.Name);

    private static async Task<Ok<Page<TemplateDto>>> ListTemplatesAsync(
        GalleryService gallery, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await gallery.ListTemplatesAsync(ct)).ToPage(list, TemplateOrders).WithNextLink(http.Request, list));

    private static async Task<Ok<TemplateDto>> GetTemplateAsync(Guid id, GalleryService gallery, CancellationToken ct) =>
        TypedResults.Ok(await gallery.GetTemplateAsync(id, ct));

    private static async Task<Created<TemplateDto>> CreateTemplateAsync(
        TemplateRequest request, HttpContext http, GalleryService gallery, CancellationToken ct)
    {
        var template = await gallery.CreateTemplateAsync(request, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/templates/{template.Id}", template);
    }

    private static async Task<Ok<TemplateDto>> UpdateTemplateAsync(
        Guid id, TemplateRequest request, HttpContext http, GalleryService gallery, CancellationToken ct) =>
        TypedResults.Ok(await gallery.UpdateTemplateAsync(id, request, http.ToAuditActor(), ct));

    private static async Task<Ok<TemplateDto>> RetireTemplateAsync(Guid id, HttpContext http, GalleryService gallery, CancellationToken ct) =>
        TypedResults.Ok(await gallery.RetireTemplateAsync(id, http.ToAuditActor(), ct));

    private static async Task<Ok<TemplateDto>> ReactivateTemplateAsync(
        Guid id, HttpContext http, GalleryService gallery, CancellationToken ct) =>
        TypedResults.Ok(await gallery.ReactivateTemplateAsync(id, http.ToAuditActor(), ct));

    private static async Task<NoContent> DeleteTemplateAsync(Guid id, HttpContext http, GalleryService gallery, CancellationToken ct)
    {
        await gallery.DeleteTemplateAsync(id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<HardwareProfileDto>>> ListProfilesAsync(
        GalleryService gallery, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await gallery.ListProfilesAsync(ct)).ToPage(list, ProfileOrders).WithNextLink(http.Request, list));

    private static async Task<Ok<HardwareProfileDto>> GetProfileAsync(Guid id, GalleryService gallery, CancellationToken ct) =>
        TypedResults.Ok(await gallery.GetProfileAsync(id, ct));

    private static async Task<Created<HardwareProfileDto>> CreateProfileAsync(
        HardwareProfileRequest request, HttpContext http, GalleryService gallery, CancellationToken ct)
    {
        var profile = await gallery.CreateProfileAsync(request, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/hardware-profiles/{profile.Id}", profile);
    }

    private static async Task<Ok<HardwareProfileDto>> UpdateProfileAsync(
        Guid id, HardwareProfileRequest request, HttpContext http, GalleryService gallery, CancellationToken ct) =>
        TypedResults.Ok(await gallery.UpdateProfileAsync(id, request, http.ToAuditActor(), ct));

    private static async Task<NoContent> DeleteProfileAsync(Guid id, HttpContext http, GalleryService gallery, CancellationToken ct)
    {
        await gallery.DeleteProfileAsync(id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }
}
