using System.Globalization;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Describes request and response bodies the generator cannot infer from a handler's signature: multipart forms read by
/// hand, raw binary uploads, and file downloads.
/// </summary>
public static class OpenApiContent
{
    public const string Binary = "application/octet-stream";
    public const string Multipart = "multipart/form-data";

    /// <summary>A multipart form with a required binary <paramref name="fileField"/> and optional text fields.</summary>
    public static TBuilder AcceptsMultipartFile<TBuilder>(this TBuilder builder, string fileField, params FormField[] textFields)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var form = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { fileField },
                Properties = new Dictionary<string, IOpenApiSchema> { [fileField] = BinarySchema() },
            };
            foreach (var field in textFields)
            {
                form.Properties[field.Name] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = field.Description,
                    MaxLength = field.MaxLength,
                };
            }

            SetRequestContent(operation, Multipart, form);
            return Task.CompletedTask;
        });

    /// <summary>The raw bytes as the request body.</summary>
    public static TBuilder AcceptsBinary<TBuilder>(this TBuilder builder, string contentType = Binary)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            SetRequestContent(operation, contentType, BinarySchema());
            return Task.CompletedTask;
        });

    /// <summary>A file download: <paramref name="contentType"/> with a binary body.</summary>
    public static RouteHandlerBuilder ProducesFile(
        this RouteHandlerBuilder builder, string contentType = Binary, int status = StatusCodes.Status200OK, string description = "The file.")
    {
        builder.Produces(status, contentType: contentType);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            var key = status.ToString(CultureInfo.InvariantCulture);
            var response = operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse r ? r : new OpenApiResponse();
            response.Description = description;
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            response.Content[contentType] = new OpenApiMediaType { Schema = BinarySchema() };
            operation.Responses[key] = response;
            return Task.CompletedTask;
        });
    }

    private static OpenApiSchema BinarySchema() => new() { Type = JsonSchemaType.String, Format = "binary" };

    private static void SetRequestContent(OpenApiOperation operation, string contentType, IOpenApiSchema schema)
    {
        var body = operation.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody();
        body.Required = true;
        body.Content ??= new Dictionary<string, OpenApiMediaType>();
        body.Content[contentType] = new OpenApiMediaType { Schema = schema };
        operation.RequestBody = body;
    }
}

/// <summary>A text field of a multipart form.</summary>
public sealed record FormField(string Name, string Description, int? MaxLength = null);
