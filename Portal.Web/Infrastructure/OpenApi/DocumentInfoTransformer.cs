using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>Each document's title and description, and server addresses without a trailing slash.</summary>
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

        return Task.CompletedTask;
    }
}
