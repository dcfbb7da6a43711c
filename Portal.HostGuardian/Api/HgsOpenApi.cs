using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Core.Attestation.Protocol;

namespace Portal.HostGuardian.Api;

/// <summary>
/// HGS's own OpenAPI document (<c>/hgs/openapi/hgs.json</c>): only HGS's endpoints (group <see cref="DocumentName"/>),
/// each operation with the security requirement its <see cref="HgsAccessMetadata"/> names.
/// </summary>
public static class HgsOpenApi
{
    public const string DocumentName = "hgs";

    public const string DocumentRoute = "/hgs/openapi/{documentName:regex(^hgs$)}.json";

    public const string DocumentPath = "/hgs/openapi/hgs.json";

    public const string AdminKeySchemeName = "HgsAdminKey";

    public const string Tag = "HGS";

    public const string AdminTag = "HGS admin";

    internal static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = description => description.GroupName == DocumentName;
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(DescribeSecurityAsync);
    }

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "TenantPortal Host Guardian Service",
            Version = "v1",
            Description =
                "Attestation of guarded hosts, key release to healthy hosts, the fabric guardian's public metadata, and the HGS " +
                $"admin API under {HgsRoutes.Admin} (header {HgsRoutes.AdminKeyHeader}).",
            License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
        };
        // A server URL ends without a slash: the paths start with one.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/') is { Length: > 0 } url ? url : "/";
        }

        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = Tag, Description = "Attestation of guarded hosts, key release, and the fabric guardian's public keys." },
            new() { Name = AdminTag, Description = $"Hosts, TPM baselines, code-integrity policies, host groups, history and revocation; needs the {HgsRoutes.AdminKeyHeader} header." },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[AdminKeySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = HgsRoutes.AdminKeyHeader,
            Description = "The HGS admin API key (Hgs:AdminApiKey).",
        };
        return Task.CompletedTask;
    }

    private static Task DescribeSecurityAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var access = context.Description.ActionDescriptor.EndpointMetadata.OfType<HgsAccessMetadata>().LastOrDefault()?.Access;
        operation.Security = access switch
        {
            HgsAccess.AdminKey => [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AdminKeySchemeName, context.Document)] = [] }],
            // No HTTP credential: an empty requirement says so explicitly. Key release is authorised by the health
            // certificate and proof in its body, which no OpenAPI security scheme can express; its description says so.
            HgsAccess.Anonymous or HgsAccess.HealthCertificate => [new OpenApiSecurityRequirement()],
            null => operation.Security,
        };
        if (operation.Responses?.TryGetValue("429", out var tooMany) == true && tooMany is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before the next request from this address is accepted.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            };
        }

        return Task.CompletedTask;
    }
}
