using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Portal.HostGuardian.AdminPages;

/// <summary>The HGS admin pages in the standalone Host Guardian Service: its own Blazor app, cookie and sign-in.</summary>
public static class HgsAdminPagesSetup
{
    /// <summary>
    /// Registers the admin pages (interactive server components, Fluent UI), the "HgsAdmin" cookie (8 h sliding,
    /// HttpOnly, SameSite=Strict, Secure over HTTPS), the <see cref="HgsAdminAuthorization.Policy"/> policy and the
    /// admin-key sign-in.
    /// </summary>
    public static IHostApplicationBuilder AddHgsAdminPages(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddFluentUIComponents();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(HgsAdminAuthorization.Scheme)
            .AddCookie(HgsAdminAuthorization.Scheme, o =>
            {
                o.Cookie.Name = ".Hgs.Admin";
                // "/" rather than the pages' path: the interactive circuit connects to /_blazor and needs the cookie there.
                o.Cookie.Path = "/";
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = HgsAdminAuthorization.SignInPath;
                o.AccessDeniedPath = HgsAdminAuthorization.SignInPath;
                o.ReturnUrlParameter = "returnUrl";
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(HgsAdminAuthorization.Policy, p => p.AddAuthenticationSchemes(HgsAdminAuthorization.Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery();
        services.AddSingleton<HgsAdminSignIn>();
        return builder;
    }

    /// <summary>Adds authentication, authorization and antiforgery to the pipeline and maps the admin pages and sign-out.</summary>
    public static WebApplication MapHgsAdminPages(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<HgsApp>().AddInteractiveServerRenderMode();
        app.MapPost(HgsAdminAuthorization.SignOutPath, SignOutAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>The identity a correct admin key signs in.</summary>
    public static ClaimsPrincipal AdminPrincipal() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "HGS admin")], HgsAdminAuthorization.Scheme));

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, HgsAdminSignIn signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Problem(title: "The sign-out form expired; reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
        }

        await http.SignOutAsync(HgsAdminAuthorization.Scheme);
        await signIn.AuditSignOutAsync(http.Connection.RemoteIpAddress, http.RequestAborted);
        return TypedResults.Redirect(HgsAdminAuthorization.SignInPath);
    }
}
