using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Drops component schemas no operation reaches, such as the IFormFile or Stream schema a raw or multipart upload's
/// content-type metadata leaves behind once <see cref="OpenApiContent"/> has described the real body.
/// </summary>
internal sealed class UnusedSchemasTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        if (document.Components?.Schemas is not { Count: > 0 } schemas)
        {
            return Task.CompletedTask;
        }

        // Removing an unused schema may leave the ones only it referred to unused: repeat until nothing changes.
        while (true)
        {
            var references = new SchemaReferences();
            new OpenApiWalker(references).Walk(document);
            var unused = schemas.Keys.Where(id => !references.Found.Contains(id)).ToList();
            if (unused.Count == 0)
            {
                break;
            }

            foreach (var id in unused)
            {
                schemas.Remove(id);
            }
        }

        return Task.CompletedTask;
    }

    private sealed class SchemaReferences : OpenApiVisitorBase
    {
        public HashSet<string> Found { get; } = [];

        public override void Visit(IOpenApiSchema schema)
        {
            if (schema is OpenApiSchemaReference { Reference.Id: { } id })
            {
                Found.Add(id);
            }
        }

        public override void Visit(IOpenApiReferenceHolder referenceHolder)
        {
            if (referenceHolder is OpenApiSchemaReference { Reference.Id: { } id })
            {
                Found.Add(id);
            }
        }
    }
}
