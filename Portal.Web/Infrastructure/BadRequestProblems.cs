using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure;

/// <summary>
/// Turns a request the API could not read (a value in the route, query, a header or the JSON body that is not what the
/// endpoint expects) into a validation problem naming the field as the client wrote it and what was expected — never a
/// C# type or an exception's text.
/// </summary>
internal static class BadRequestProblems
{
    private const string ExampleGuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    private const string BodyKey = "body";
    private const int MaxEchoedLength = 64;

    public static ProblemDetails Describe(HttpContext http, BadHttpRequestException exception)
    {
        if (exception.StatusCode != StatusCodes.Status400BadRequest)
        {
            return new ProblemDetails
            {
                Status = exception.StatusCode,
                Title = "Bad request",
                Detail = exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : exception.Message,
            };
        }

        // The exception handler runs with the endpoint and route values cleared; its feature keeps them.
        var failed = http.Features.Get<IExceptionHandlerFeature>();
        var request = new FailedRequest(http, failed?.Endpoint ?? http.GetEndpoint(), failed?.RouteValues ?? http.Request.RouteValues);
        var error = exception.InnerException is JsonException json
            ? FromBody(request, json)
            : FromParameters(request) ?? MissingBody(request);
        return error is { } e
            ? Validation(e.Key, e.Message)
            : new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "The request could not be read." };
    }

    /// <summary>Validation errors keyed by the JSON names of the body (<c>Quota.MaxVms</c> becomes <c>quota.maxVms</c>).</summary>
    public static Dictionary<string, string[]> WithJsonNames(HttpContext http, IReadOnlyDictionary<string, string[]> errors)
    {
        var naming = JsonOptionsOf(http).PropertyNamingPolicy;
        return errors.ToDictionary(
            kv => naming is null ? kv.Key : string.Join('.', kv.Key.Split('.').Select(naming.ConvertName)),
            kv => kv.Value);
    }

    private static HttpValidationProblemDetails Validation(string key, string message) =>
        new(new Dictionary<string, string[]> { [key] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more values are not valid.",
        };

    private static (string Key, string Message)? FromBody(FailedRequest request, JsonException json)
    {
        if (json.InnerException?.GetType().Name == "JsonReaderException")
        {
            return (BodyKey, $"The body is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).");
        }

        var options = JsonOptionsOf(request.Http);
        var bodyType = request.Endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var typeInfo = bodyType is null ? null : options.GetTypeInfo(bodyType);
        var names = new List<string>();
        foreach (var segment in PathSegments(json.Path))
        {
            if (typeInfo is null)
            {
                break;
            }

            if (segment.StartsWith('['))
            {
                names[^1] += segment;
                typeInfo = typeInfo.ElementType is { } element ? options.GetTypeInfo(element) : null;
                continue;
            }

            var property = typeInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase));
            names.Add(property?.Name ?? segment);
            typeInfo = property is null ? null : options.GetTypeInfo(property.PropertyType);
        }

        if (names.Count == 0)
        {
            return (BodyKey, bodyType is null ? "The body is not what this operation expects." : $"The body must be {Expected(typeInfo)}.");
        }

        var key = string.Join('.', names);
        return (key, $"{key} must be {Expected(typeInfo)}.");
    }

    /// <summary>The first route, query or header value that does not parse as its parameter's type, or a required one that is missing.</summary>
    private static (string Key, string Message)? FromParameters(FailedRequest request)
    {
        if (request.Endpoint?.Metadata.GetMetadata<MethodInfo>() is not { } handler)
        {
            return null;
        }

        foreach (var parameter in handler.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (!IsSimple(type) || parameter.Name is null)
            {
                continue;
            }

            var (name, value) = RawValue(request, parameter);
            if (value is null)
            {
                var optional = parameter.HasDefaultValue || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
                if (!optional)
                {
                    return (name, $"{name} is required: {Expected(type)}.");
                }

                continue;
            }

            if (!Parses(type, value))
            {
                var echoed = value.Length > MaxEchoedLength ? value[..MaxEchoedLength] + "…" : value;
                return (name, type.IsEnum
                    ? $"'{echoed}' is not a valid {name}; expected one of: {EnumNames(type)}."
                    : $"'{echoed}' is not valid for {name}: it must be {Expected(type)}.");
            }
        }

        return null;
    }

    private static (string Key, string Message)? MissingBody(FailedRequest request) =>
        request.Endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: { } type, IsOptional: false }
            && request.Http.Request.ContentLength is null or 0 && !request.Http.Request.Headers.TransferEncoding.Any()
            ? (BodyKey, $"A JSON body is required: {Expected(JsonOptionsOf(request.Http).GetTypeInfo(type))}.")
            : null;

    private static (string Name, string? Value) RawValue(FailedRequest request, ParameterInfo parameter)
    {
        var http = request.Http;
        if (parameter.GetCustomAttribute<FromHeaderAttribute>() is { } header)
        {
            var name = header.Name ?? parameter.Name!;
            return (name, http.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null);
        }

        var routeName = parameter.GetCustomAttribute<FromRouteAttribute>()?.Name ?? parameter.Name!;
        if (request.RouteValues.TryGetValue(routeName, out var route) && route is not null)
        {
            return (routeName, Convert.ToString(route, CultureInfo.InvariantCulture));
        }

        var queryName = parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.Name!;
        return (queryName, http.Request.Query.TryGetValue(queryName, out var query) ? query.ToString() : null);
    }

    private static bool IsSimple(Type type) =>
        type.IsEnum || type == typeof(Guid) || type == typeof(bool) || type == typeof(DateTimeOffset) || type == typeof(DateTime)
        || type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(decimal) || type == typeof(double) || type == typeof(float);

    private static bool Parses(Type type, string value) => type switch
    {
        _ when type.IsEnum => Enum.TryParse(type, value, out _),
        _ when type == typeof(Guid) => Guid.TryParse(value, out _),
        _ when type == typeof(bool) => bool.TryParse(value, out _),
        _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        _ when type == typeof(DateTime) => DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(short) => short.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(byte) => byte.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
    };

    private static string Expected(JsonTypeInfo? typeInfo) => typeInfo is null
        ? "a valid value"
        : typeInfo.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Dictionary => "an object",
            JsonTypeInfoKind.Object => "an object",
            _ => Expected(typeInfo.Type),
        };

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type.IsEnum => $"one of: {EnumNames(type)}",
            _ when type == typeof(Guid) => $"a GUID such as {ExampleGuid}",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time such as 2026-01-31T12:00:00Z",
            _ when type == typeof(TimeSpan) => "a duration such as 00:05:00",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) => "a whole number",
            _ when type == typeof(decimal) || type == typeof(double) || type == typeof(float) => "a number",
            _ when type == typeof(byte[]) => "a base64 string",
            _ => "a valid value",
        };
    }

    private static string EnumNames(Type type) => string.Join(", ", Enum.GetNames(type));

    /// <summary>"$.quota.maxVms" → quota, maxVms; "$.templateIds[2]" → templateIds, [2]; "$['odd name']" → odd name.</summary>
    private static IEnumerable<string> PathSegments(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            yield break;
        }

        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 1)..end];
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                var end = path.IndexOf("']", i, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 2)..end];
                i = Math.Min(end + 2, path.Length);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                end = end < 0 ? path.Length - 1 : end;
                yield return path[i..(end + 1)];
                i = end + 1;
            }
            else
            {
                yield break;
            }
        }
    }

    private sealed record FailedRequest(HttpContext Http, Endpoint? Endpoint, RouteValueDictionary RouteValues);

    private static JsonSerializerOptions JsonOptionsOf(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
}
