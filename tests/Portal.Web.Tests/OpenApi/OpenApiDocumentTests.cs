using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.OpenApi;

/// <summary>The API's OpenAPI documents are a contract: linted, complete for every endpoint, and typed for generated clients.</summary>
public sealed partial class OpenApiDocumentTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    public static TheoryData<string> Documents => new(ApiDocuments.All.Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Document_PassesRedoclyLintWithoutErrors(string name)
    {
        var file = await SaveAsync(name);
        try
        {
            var lint = await NodeTool.RunAsync("redocly", "@redocly/cli@2.77.0", "lint", file, "--format=json", "--max-problems=1000");

            var report = JsonNode.Parse(lint.Output) ?? throw new InvalidOperationException($"No report: {lint.Errors}");
            var errors = report["problems"]!.AsArray()
                .Where(p => (string?)p!["severity"] == "error")
                .Select(p => $"{p!["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}")
                .ToList();
            Assert.True(errors.Count == 0, $"redocly lint found {errors.Count} errors in {name}:\n{string.Join('\n', errors)}");
            Assert.Equal(0, (int)report["totals"]!["errors"]!);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task GeneratedTypeScriptClient_TypesErrorsAsProblemDetails()
    {
        var file = await SaveAsync(ApiDocuments.Tenant.Name);
        var output = Path.ChangeExtension(file, ".d.ts");
        try
        {
            var run = await NodeTool.RunAsync("openapi-typescript", "openapi-typescript@7.13.0", file, "-o", output);
            Assert.True(run.ExitCode == 0, run.Errors);
            var client = await File.ReadAllTextAsync(output);

            var errorResponses = ErrorResponse().Matches(client);
            Assert.True(errorResponses.Count > 20, $"Only {errorResponses.Count} error responses in the generated client.");
            Assert.All(errorResponses, m =>
            {
                Assert.Equal("application/problem+json", m.Groups["media"].Value);
                Assert.Matches("^components\\[\"schemas\"\\]\\[\"(Http)?(Validation)?ProblemDetails\"\\]$", m.Groups["type"].Value);
            });
            Assert.DoesNotMatch(UntypedErrorResponse(), client);
        }
        finally
        {
            File.Delete(file);
            File.Delete(output);
        }
    }

    /// <summary>Walks the app's own endpoints, so an endpoint added without its contract fails here.</summary>
    [Fact]
    public async Task EveryApiEndpoint_IsNamedSummarisedSecuredAndDeclaresProblemResponses()
    {
        var documents = new Dictionary<string, JsonNode>();
        foreach (var api in ApiDocuments.All)
        {
            documents[api.Name] = await GetDocumentAsync(api.Url);
        }

        var endpoints = ApiEndpoints().ToList();
        Assert.True(endpoints.Count > 80, $"Only {endpoints.Count} API endpoints found.");
        var failures = new List<string>();
        foreach (var (endpoint, method, path) in endpoints)
        {
            var where = $"{method} {endpoint.RoutePattern.RawText}";
            var api = ApiDocuments.For(path);
            if (api is null)
            {
                failures.Add($"{where}: under no document's prefix ({string.Join(", ", ApiDocuments.All.Select(d => d.Prefix))})");
                continue;
            }

            if (endpoint.RoutePattern.Parameters.Any(p => p.ParameterPolicies.Count > 0))
            {
                failures.Add($"{where}: a route constraint answers 404 for a bad value instead of saying what was expected");
            }

            var operation = documents[api.Name]["paths"]?[path]?[method.ToLowerInvariant()];
            if (operation is null)
            {
                failures.Add($"{where}: missing from the {api.Name} document");
                continue;
            }

            foreach (var other in ApiDocuments.All.Where(d => d != api))
            {
                if (documents[other.Name]["paths"]?[path] is not null)
                {
                    failures.Add($"{where}: also in the {other.Name} document");
                }
            }

            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            if (string.IsNullOrWhiteSpace(name) || (string?)operation["operationId"] != name)
            {
                failures.Add($"{where}: no name (WithName) as its operationId");
            }

            if (string.IsNullOrWhiteSpace(endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary)
                || string.IsNullOrWhiteSpace((string?)operation["summary"]))
            {
                failures.Add($"{where}: no summary (WithSummary)");
            }

            var responses = operation["responses"]!.AsObject();
            if (!responses.Any(r => r.Key.StartsWith('4')))
            {
                failures.Add($"{where}: declares no 4xx response");
            }

            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var content = response?["content"]?.AsObject();
                var schema = (string?)content?[ProblemJson]?["schema"]?["$ref"];
                if (content is null || content.Count != 1 || schema is null || !ProblemSchema().IsMatch(schema))
                {
                    failures.Add($"{where}: {status} is not declared as {ProblemJson} ProblemDetails (ProducesProblem)");
                }
            }

            var expected = ExpectedScheme(endpoint, path);
            var security = operation["security"]?.AsArray().Select(r => string.Join(",", r!.AsObject().Select(s => s.Key))).ToList() ?? [];
            if (security.Count != 1 || security[0] != expected)
            {
                failures.Add($"{where}: security [{string.Join("; ", security)}], expected [{expected}]");
            }
            else if (expected != "" && !responses.ContainsKey("401"))
            {
                failures.Add($"{where}: authenticated but declares no 401");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} contract gaps:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public async Task TenantDocument_HoldsOnlyTheTenantApi_AndTheLegacyAddressServesIt()
    {
        var tenant = await GetDocumentAsync(ApiDocuments.Tenant.Url);
        var legacy = await GetDocumentAsync(OpenApiSetup.LegacyTenantUrl);
        var provider = await GetDocumentAsync(ApiDocuments.Provider.Url);
        var fabric = await GetDocumentAsync(ApiDocuments.Fabric.Url);

        var tenantPaths = Paths(tenant);
        Assert.Contains("/api/v1/auth/token", tenantPaths);
        Assert.Contains("/api/v1/vms", tenantPaths);
        Assert.All(tenantPaths, p => Assert.StartsWith("/api/v1/", p));
        Assert.Equal(tenantPaths, Paths(legacy));
        Assert.All(Paths(provider), p => Assert.StartsWith("/api/admin/v1/", p));
        Assert.All(Paths(fabric), p => Assert.StartsWith("/api/fabric/v1/", p));
        Assert.Contains("/api/fabric/v1/jobs/claim", Paths(fabric));
        Assert.DoesNotContain("HostCredential", tenant.ToJsonString());
        Assert.Equal("bearer", (string?)tenant["components"]!["securitySchemes"]!["Bearer"]!["scheme"]);
        Assert.Equal("bearer", (string?)fabric["components"]!["securitySchemes"]!["HostCredential"]!["scheme"]);
    }

    [Fact]
    public async Task ApiReference_OffersEveryDocument()
    {
        var page = await factory.CreateClient().GetStringAsync("/api/reference");

        // Scalar lists each document by its address relative to the site's root.
        Assert.All(ApiDocuments.All, api => Assert.Contains($"\"url\":\"{api.Url.TrimStart('/')}\"", page));
    }

    [Fact]
    public async Task Schemas_DescribeNumbersAsNumbers()
    {
        foreach (var api in ApiDocuments.All)
        {
            var document = await GetDocumentAsync(api.Url);
            var loose = Nodes(document)
                .OfType<JsonObject>()
                .Where(o => o["type"] is JsonArray types && types.Any(t => (string?)t == "string")
                    && types.Any(t => (string?)t is "integer" or "number"))
                .Select(o => o.GetPath())
                .ToList();
            Assert.True(loose.Count == 0, $"{api.Name}: numbers that may be strings at {string.Join(", ", loose)}");
        }
    }

    [Fact]
    public async Task Schemas_MarkComputedPropertiesReadOnly_AndDescribeUploadsAndDownloads()
    {
        var provider = await GetDocumentAsync(ApiDocuments.Provider.Url);
        var tenant = await GetDocumentAsync(ApiDocuments.Tenant.Url);

        var amount = provider["components"]!["schemas"]!["ResourceAmount"]!["properties"]!;
        Assert.True((bool?)amount["isZero"]!["readOnly"]);
        Assert.Null(amount["vms"]!["readOnly"]);
        var usage = tenant["components"]!["schemas"]!["QuotaUsage"]!["properties"]!;
        Assert.True((bool?)usage["percentage"]!["readOnly"]);
        Assert.Null(usage["used"]!["readOnly"]);

        var upload = tenant["paths"]!["/api/v1/shielding-data"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!;
        Assert.Equal("binary", (string?)upload["properties"]!["file"]!["format"]);
        Assert.NotNull(upload["properties"]!["friendlyName"]);
        Assert.Contains("file", upload["required"]!.AsArray().Select(r => (string?)r));
        var download = tenant["paths"]!["/api/v1/templates/{id}/vsc"]!["get"]!["responses"]!["200"]!["content"]!;
        Assert.Equal("binary", (string?)download[OpenApiContent.Binary]!["schema"]!["format"]);
        var disk = provider["paths"]!["/api/admin/v1/templates/{id}/disk"]!["put"]!["requestBody"]!["content"]!;
        Assert.Equal("binary", (string?)disk[OpenApiContent.Binary]!["schema"]!["format"]);
    }

    private const string ProblemJson = "application/problem+json";

    private IEnumerable<(RouteEndpoint Endpoint, string Method, string Path)> ApiEndpoints()
    {
        var sources = factory.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var raw = endpoint.RoutePattern.RawText ?? "";
            if (!raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/api/reference", StringComparison.Ordinal))
            {
                continue;
            }

            var path = RouteConstraint().Replace(raw, "{$1}").TrimEnd('/');
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                yield return (endpoint, method, path);
            }
        }
    }

    /// <summary>What the endpoint's authorization says, independently of the transformer that writes it into the document.</summary>
    private static string ExpectedScheme(Endpoint endpoint, string path) =>
        endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null ? ""
        : path.StartsWith("/api/fabric/", StringComparison.Ordinal) ? "HostCredential"
        : "Bearer";

    private async Task<JsonNode> GetDocumentAsync(string url)
    {
        var response = await factory.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<string> SaveAsync(string name)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portal-openapi-{name}-{Guid.NewGuid():N}.json");
        var document = await GetDocumentAsync(ApiDocuments.All.Single(d => d.Name == name).Url);
        await File.WriteAllTextAsync(file, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return file;
    }

    private static List<string> Paths(JsonNode document) => [.. document["paths"]!.AsObject().Select(p => p.Key)];

    private static IEnumerable<JsonNode> Nodes(JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(kv => kv.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var descendant in children.SelectMany(Nodes))
        {
            yield return descendant;
        }
    }

    [GeneratedRegex(@"\{([^}:]+):[^}]*\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex("^#/components/schemas/(Http)?(Validation)?ProblemDetails$")]
    private static partial Regex ProblemSchema();

    [GeneratedRegex(@"\b[45]\d\d: \{\s*headers: \{\s*\[name: string\]: unknown;\s*\};\s*content: \{\s*""(?<media>[^""]+)"": (?<type>[^;]+);")]
    private static partial Regex ErrorResponse();

    [GeneratedRegex(@"\b[45]\d\d: \{\s*headers: \{\s*\[name: string\]: unknown;\s*\};\s*content\?: never;")]
    private static partial Regex UntypedErrorResponse();
}
