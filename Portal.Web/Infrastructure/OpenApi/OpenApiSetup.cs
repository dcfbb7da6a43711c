using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>The API's OpenAPI documents (one per audience) at /openapi/{name}.json and their reference at /api/reference.</summary>
public static class OpenApiSetup
{
    /// <summary>The tenant document's address before the API was split by audience; still served.</summary>
    public const string LegacyTenantUrl = "/openapi/v1.json";

    public static IServiceCollection AddPortalOpenApi(this IServiceCollection services)
    {
        foreach (var api in ApiDocuments.All)
        {
            services.AddOpenApi(api.Name, o =>
            {
                o.ShouldInclude = description => api.Contains(description.RelativePath);
                o.AddDocumentTransformer<DocumentInfoTransformer>();
                o.AddOperationTransformer<SecurityRequirementsTransformer>();
                o.AddOperationTransformer<InputProblemsTransformer>();
                o.AddSchemaTransformer<DerivedPropertiesTransformer>();
                o.AddDocumentTransformer<UnusedSchemasTransformer>();
            });
        }

        return services;
    }

    public static WebApplication MapPortalOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapGet(LegacyTenantUrl, WriteTenantDocumentAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapScalarApiReference("/api/reference", o =>
            {
                o.WithTitle("TenantPortal API").AddPreferredSecuritySchemes(SecurityRequirementsTransformer.BearerScheme);
                foreach (var api in ApiDocuments.All)
                {
                    o.AddDocument(api.Name, api.Title, api.Url, isDefault: api == ApiDocuments.Tenant);
                }
            })
            .AllowAnonymous();
        return app;
    }

    private static async Task WriteTenantDocumentAsync(HttpContext http)
    {
        var provider = http.RequestServices.GetRequiredKeyedService<IOpenApiDocumentProvider>(ApiDocuments.Tenant.Name);
        var document = await provider.GetOpenApiDocumentAsync(http.RequestAborted);
        http.Response.ContentType = "application/json;charset=utf-8";
        await http.Response.WriteAsync(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, http.RequestAborted), http.RequestAborted);
    }
}
