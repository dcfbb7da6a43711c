namespace Portal.Web.Infrastructure;

public static class ApiRequests
{
    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    public static async Task WriteProblemAsync(HttpContext context, int status, string? detail = null)
    {
        context.Response.StatusCode = status;
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
