using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Api;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

public sealed class OpenApiContractTests : IDisposable
{
    private const string ProblemJson = "application/problem+json";

    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task OpenApiDocument_PassesRedoclyLintWithZeroErrors()
    {
        var document = await _hgs.CreateClient().GetStringAsync(HgsOpenApi.DocumentPath);

        using var lint = await Redocly.LintAsync(document);

        var errors = lint.RootElement.GetProperty("problems").EnumerateArray()
            .Where(p => p.GetProperty("severity").GetString() == "error")
            .Select(p => $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at " +
                         string.Join(", ", p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString())))
            .ToList();
        Assert.True(errors.Count == 0, "redocly lint found errors:\n" + string.Join('\n', errors));
        Assert.Equal(0, lint.RootElement.GetProperty("totals").GetProperty("errors").GetInt32());
    }

    [Fact]
    public void EveryHgsEndpoint_HasANameSummaryProblemResponsesAndItsAccessRule()
    {
        var endpoints = HgsEndpoints();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} HGS endpoints found");

        foreach (var endpoint in endpoints)
        {
            var route = Describe(endpoint);
            Assert.False(string.IsNullOrWhiteSpace(endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName), $"{route} has no name (WithName)");
            Assert.False(string.IsNullOrWhiteSpace(endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary), $"{route} has no summary (WithSummary)");

            var errors = endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Where(p => p.StatusCode >= 400).ToList();
            Assert.True(errors.Count > 0, $"{route} declares no problem responses");
            foreach (var error in errors)
            {
                Assert.True(error.ContentTypes.SequenceEqual([ProblemJson]), $"{route} declares {error.StatusCode} as {string.Join(", ", error.ContentTypes)}, not {ProblemJson}");
            }

            Assert.Equal(ExpectedAccess(endpoint), endpoint.Metadata.GetMetadata<HgsAccessMetadata>()?.Access);
            if (ExpectedAccess(endpoint) == HgsAccess.Anonymous && Methods(endpoint).Contains(HttpMethods.Post))
            {
                Assert.True(endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not null, $"{route} writes to the store anonymously without a rate limit");
                Assert.Contains(errors, e => e.StatusCode == StatusCodes.Status429TooManyRequests);
            }
        }
    }

    [Fact]
    public async Task OpenApiDocument_DeclaresEachOperationsSecurityAndProblemResponses()
    {
        using var document = JsonDocument.Parse(await _hgs.CreateClient().GetStringAsync(HgsOpenApi.DocumentPath));
        var root = document.RootElement;
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty(HgsOpenApi.AdminKeySchemeName);
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal(HgsRoutes.AdminKeyHeader, scheme.GetProperty("name").GetString());
        Assert.False(root.TryGetProperty("security", out _), "HGS has no document-wide security; each operation says its own");

        var operations = root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .ToList();
        Assert.Equal(HgsEndpoints().Sum(e => Methods(e).Count), operations.Count);
        foreach (var (path, method, operation) in operations)
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            Assert.True(operation.TryGetProperty("operationId", out _), $"{where} has no operationId");
            Assert.True(operation.TryGetProperty("summary", out _), $"{where} has no summary");
            var security = operation.GetProperty("security").EnumerateArray().Select(r => string.Join(",", r.EnumerateObject().Select(p => p.Name))).ToList();
            Assert.Equal(path.StartsWith(HgsRoutes.Admin, StringComparison.Ordinal) ? [HgsOpenApi.AdminKeySchemeName] : [""], security);

            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                var types = response.Value.GetProperty("content").EnumerateObject().Select(c => c.Name).ToList();
                Assert.True(types.SequenceEqual([ProblemJson]), $"{where} answers {response.Name} as {string.Join(", ", types)}");
                if (response.Name == "429")
                {
                    Assert.True(response.Value.GetProperty("headers").TryGetProperty("Retry-After", out _), $"{where} 429 does not document Retry-After");
                }
            }
        }
    }

    [Fact]
    public async Task OpenApiDocument_NumbersAreOnlyNumbers()
    {
        var text = await _hgs.CreateClient().GetStringAsync(HgsOpenApi.DocumentPath);
        using var document = JsonDocument.Parse(text);

        var mixed = Types(document.RootElement)
            .Where(t => t.Contains("string") && (t.Contains("integer") || t.Contains("number")))
            .ToList();

        Assert.Empty(mixed);
        Assert.DoesNotContain("^-?(?:0|[1-9]\\\\d*)$", text);
    }

    [Fact]
    public async Task Attest_NumberSentAsString_IsRefusedAs400Problem()
    {
        using var agent = new TestAgent(_hgs, "host-1");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-1", await Evidence.ChallengeAsync(client));
        var json = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        var pcr = $"\"index\":{request.Tpm!.Pcrs[1].Index}";
        Assert.Contains(pcr, json);

        using var response = await client.PostAsync(HgsRoutes.Attest,
            new StringContent(json.Replace(pcr, $"\"index\":\"{request.Tpm.Pcrs[1].Index}\"", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheGuardianFileAsHgsWritesIt()
    {
        var client = _hgs.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync(HgsOpenApi.DocumentPath));
        using var file = JsonDocument.Parse(await client.GetStringAsync(HgsRoutes.Guardian));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var operation = document.RootElement.GetProperty("paths").GetProperty(HgsRoutes.Guardian).GetProperty("get");
        var reference = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!;

        AssertSameShape(file.RootElement, schemas.GetProperty(reference.Split('/')[^1]), schemas, "guardian");
    }

    [Fact]
    public async Task AdminList_TakeThatIsNotANumber_Is400Problem()
    {
        using var response = await _hgs.CreateAdminClient().GetAsync($"{HgsRoutes.Admin}/audit?take=many");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void HgsContracts_HaveNoComputedPropertiesThatWouldLeakIntoSchemas()
    {
        var types = new HashSet<Type>();
        foreach (var endpoint in HgsEndpoints())
        {
            foreach (var accepts in endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>())
            {
                Collect(accepts.RequestType, types);
            }

            foreach (var produces in endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
            {
                Collect(produces.Type, types);
            }
        }

        Assert.Contains(typeof(AttestationRequest), types);
        var computed = types
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not { IsPublic: true }).Select(p => $"{t.Name}.{p.Name}"))
            .ToList();
        Assert.Empty(computed);
    }

    private List<RouteEndpoint> HgsEndpoints()
    {
        _hgs.CreateClient().Dispose();
        return _hgs.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(HgsRoutes.Prefix, StringComparison.Ordinal) == true)
            .ToList();
    }

    private static HgsAccess ExpectedAccess(RouteEndpoint endpoint)
    {
        var pattern = endpoint.RoutePattern.RawText!;
        return pattern.StartsWith(HgsRoutes.Admin, StringComparison.Ordinal) ? HgsAccess.AdminKey
            : pattern == HgsRoutes.KeyRelease ? HgsAccess.HealthCertificate
            : HgsAccess.Anonymous;
    }

    private static IReadOnlyList<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];

    private static string Describe(RouteEndpoint endpoint) => $"{string.Join(",", Methods(endpoint))} {endpoint.RoutePattern.RawText}";

    private static void AssertSameShape(JsonElement value, JsonElement schema, JsonElement schemas, string where)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var properties = schema.GetProperty("properties");
        Assert.Equal(
            value.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var property in value.EnumerateObject())
        {
            AssertSameShape(property.Value, properties.GetProperty(property.Name), schemas, $"{where}.{property.Name}");
        }
    }

    private static IEnumerable<string[]> Types(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "type" && property.Value.ValueKind == JsonValueKind.Array)
                    {
                        yield return property.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray();
                    }

                    foreach (var inner in Types(property.Value))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var inner in Types(item))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static void Collect(Type? type, HashSet<Type> types)
    {
        if (type is null || type.Assembly == typeof(object).Assembly || type.Namespace?.StartsWith("Microsoft.", StringComparison.Ordinal) == true)
        {
            if (type is { IsGenericType: true })
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    Collect(argument, types);
                }
            }

            if (type?.IsArray == true)
            {
                Collect(type.GetElementType(), types);
            }

            return;
        }

        if (type.IsEnum || !types.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Collect(property.PropertyType, types);
        }
    }
}
