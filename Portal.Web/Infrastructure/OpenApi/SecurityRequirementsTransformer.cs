using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Web.Features.FabricAgents;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Reads each endpoint's authorization metadata once for every operation: the security scheme it needs (bearer token,
/// host credential, or none for anonymous calls) and, when it needs one, its 401 and 403 problem responses.
/// </summary>
internal sealed class SecurityRequirementsTransformer : IOpenApiOperationTransformer
{
    public const string BearerScheme = "Bearer";
    public const string HostCredentialScheme = "HostCredential";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var scheme = SchemeFor(context.Description.ActionDescriptor.EndpointMetadata);
        if (scheme is null)
        {
            // An empty requirement: callable without credentials.
            operation.Security = [new OpenApiSecurityRequirement()];
            return;
        }

        var document = context.Document ?? throw new InvalidOperationException("The operation has no document.");
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(scheme, Describe(scheme));
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }];

        await ProblemResponses.AddAsync(operation, context, StatusCodes.Status401Unauthorized,
            scheme == HostCredentialScheme
                ? "The host credential is missing, unknown, or the host was removed from the fabric."
                : "The bearer token is missing, unknown, expired or revoked.", ct);
        await ProblemResponses.AddAsync(operation, context, StatusCodes.Status403Forbidden,
            "The credential is valid but not allowed to do this.", ct);
    }

    /// <summary>The scheme an endpoint with this metadata requires, or null when it allows anonymous callers.</summary>
    public static string? SchemeFor(IEnumerable<object> metadata)
    {
        var items = metadata.ToList();
        if (items.OfType<IAllowAnonymous>().Any())
        {
            return null;
        }

        var authorize = items.OfType<IAuthorizeData>().ToList();
        if (authorize.Count == 0)
        {
            return null;
        }

        return authorize.Any(a => a.Policy == FabricHostAuthenticationHandler.PolicyName
                || a.AuthenticationSchemes?.Contains(FabricHostAuthenticationHandler.SchemeName, StringComparison.Ordinal) == true)
            ? HostCredentialScheme
            : BearerScheme;
    }

    private static OpenApiSecurityScheme Describe(string scheme) => scheme switch
    {
        HostCredentialScheme => new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The host's credential (tphc_…), returned once by POST /api/fabric/v1/join.",
        },
        _ => new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A personal access token from the API tokens page, or a short-lived one from POST /api/v1/auth/token (tpat_…).",
        },
    };
}
