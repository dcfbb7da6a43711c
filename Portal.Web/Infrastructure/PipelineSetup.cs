using Portal.Web.Infrastructure.Idempotency;

namespace Portal.Web.Infrastructure;

public static class PipelineSetup
{
    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();

        // API clients get ProblemDetails for empty error responses; people get the portal's own page.
        app.UseWhen(http => ApiRequests.IsApi(http.Request), api => api.UseStatusCodePages());
        app.UseWhen(http => !ApiRequests.IsApi(http.Request),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseCredentialRateLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseIdempotency();
        return app;
    }
}
