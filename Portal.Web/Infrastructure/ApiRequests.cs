using Microsoft.Net.Http.Headers;

namespace Portal.Web.Infrastructure;

public static class ApiRequests
{
    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

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
