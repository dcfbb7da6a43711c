using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Web.Tests.Security;

/// <summary>One method of one endpoint as the running app maps it.</summary>
public sealed record MappedEndpoint(string Method, string Pattern, string? Accepts)
{
    /// <summary>"*" when the endpoint matches any method (health checks).</summary>
    public const string AnyMethod = "*";

    public string Key => $"{Method} {Pattern}";
}

/// <summary>
/// Every endpoint the running app maps, read from routing itself, less the Blazor UI, which is excluded by rule: Razor
/// component pages (their own authorization is tested with the pages), the circuit hub, the framework's scripts and
/// redirects, and static assets with their development fallback.
/// </summary>
public static class MappedEndpoints
{
    /// <summary>The static assets' fallback for any path that names a file.</summary>
    private const string StaticFileFallback = "{**path:file}";

    public static IReadOnlyList<MappedEndpoint> Of(IServiceProvider services) =>
    [
        .. services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => !IsUi(e))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [MappedEndpoint.AnyMethod])
                .Select(method => new MappedEndpoint(method, e.RoutePattern.RawText ?? "",
                    e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault())))
            .DistinctBy(e => e.Key)
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal),
    ];

    private static bool IsUi(RouteEndpoint endpoint)
    {
        var pattern = endpoint.RoutePattern.RawText ?? "";
        return endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
            || endpoint.Metadata.GetMetadata<HubMetadata>() is not null
            || pattern.StartsWith("/_blazor", StringComparison.Ordinal)
            || pattern.StartsWith("/_framework/", StringComparison.Ordinal)
            || endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null
            || pattern == StaticFileFallback;
    }
}
