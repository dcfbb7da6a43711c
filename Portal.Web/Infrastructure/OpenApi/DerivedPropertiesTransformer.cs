using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Marks properties computed from others (a getter with neither setter nor constructor parameter) as read-only: they
/// come back in responses and are never read from a request body.
/// </summary>
internal sealed class DerivedPropertiesTransformer : IOpenApiSchemaTransformer
{
    // A type first met as another type's property is transformed in that context too; JsonTypeInfo is still its own.
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (property.Set is null && property.AssociatedParameter is null
                && schema.Properties.TryGetValue(property.Name, out var propertySchema) && propertySchema is OpenApiSchema inline)
            {
                inline.ReadOnly = true;
            }
        }

        return Task.CompletedTask;
    }
}
