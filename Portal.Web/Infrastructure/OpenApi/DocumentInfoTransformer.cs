using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>Each document's title, description and tag descriptions, and server addresses without a trailing slash.</summary>
internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var api = ApiDocuments.All.Single(d => d.Name == context.DocumentName);
        document.Info.Title = api.Title;
        document.Info.Description = api.Description;
        document.Info.Version = "v1";
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description ??= tag.Name is null ? null : TagDescriptions.GetValueOrDefault(tag.Name);
        }

        return Task.CompletedTask;
    }

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Authentication"] = "Short-lived bearer tokens for email and password.",
        ["API tokens"] = "Your personal access tokens.",
        ["Plans"] = "The public plans you can subscribe to.",
        ["Subscriptions"] = "Your subscriptions, their quotas, usage and add-ons.",
        ["Shielding data"] = "Shielding data files, the fabric's guardian and templates' signed catalogs.",
        ["Virtual machines"] = "Your VMs; every change is a job.",
        ["Jobs"] = "The jobs that change your VMs, step by step.",
        ["Activity"] = "Your tenant account's audit trail.",
        ["Provider: plans"] = "Plans: quotas, templates, sizes and their life cycle.",
        ["Provider: add-ons"] = "Quota packs linked to plans.",
        ["Provider: gallery"] = "VM templates, their disks and catalogs, and VM sizes.",
        ["Provider: tenants"] = "Tenant accounts.",
        ["Provider: subscriptions"] = "Every tenant's subscriptions.",
        ["Provider: virtual machines"] = "Every tenant's VMs.",
        ["Provider: jobs"] = "Every tenant's jobs: restart or cancel.",
        ["Provider: fabric"] = "Guarded hosts and join tokens.",
        ["Provider: audit"] = "Every state-changing act of anyone.",
        ["Fabric: host agents"] = "The protocol guarded hosts' agents pull work with.",
    };
}
