using Microsoft.Net.Http.Headers;

namespace Portal.Web.Infrastructure;

public static class ApiRequests
{
    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A state-changing API call (anything but GET, HEAD, OPTIONS, TRACE). Those authenticate by bearer token only:
    /// a browser attaches the sign-in cookie to cross-site requests too, a bearer token it never sends by itself.
    /// </summary>
    public static bool IsStateChanging(HttpRequest request) =>
        IsApi(request)
        && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method));

    public static async Task WriteProblemAsync(HttpContext context, int status, string? detail = null)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized && !context.Response.Headers.ContainsKey(HeaderNames.WWWAuthenticate))
        {
            // RFC 9110: a 401 names how to authenticate; the API takes bearer tokens.
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Detail = detail ?? (status == StatusCodes.Status401Unauthorized
                    ? "Authentication is required: send a bearer token or sign in."
                    : "You are not allowed to do this."),
            },
        });
    }
}
