using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Credentials;

namespace Portal.Web.Features.Account;

public static class IdentitySetup
{
    public const string SmartScheme = "Cookie or bearer";
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        var keyRingCertificate = builder.AddKeyRingProtection();
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("TenantPortal")
            .PersistKeysToDbContext<PortalDbContext>();
        if (keyRingCertificate is not null)
        {
            dataProtection.ProtectKeysWithCertificate(keyRingCertificate);
        }

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            // Pages use the cookie; the API's state-changing calls take a bearer token only, so a cross-site form or
            // fetch riding on the cookie is refused (pages call services, never the HTTP API). Safe reads such as
            // the guardian download linked from a page may still use the cookie.
            .AddPolicyScheme(SmartScheme, SmartScheme, o => o.ForwardDefaultSelector = context =>
                ApiTokenAuthenticationHandler.HasBearer(context.Request) || ApiRequests.IsStateChanging(context.Request)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(
                ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "TenantPortal.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.Events = new CookieAuthenticationEvents
            {
                OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden),
            };
        });

        services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 5;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<PortalRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddDefaultTokenProviders();

        builder.AddCredentialRateLimits();
        services.AddAuthorization(PortalPolicies.Add);
        services.AddCascadingAuthenticationState();
        services.AddScoped<TenantSignUp>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<DummyPasswordHash>();
        services.AddScoped<ApiTokenService>();
        services.AddSingleton<KnownCredentials>();
        services.AddSingleton<IInterceptor, CredentialChanges>();
        return builder;
    }

    /// <summary>Browsers get redirected to the sign-in page; API clients get a ProblemDetails status instead.</summary>
    private static async Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (ApiRequests.IsApi(context.Request))
        {
            await ApiRequests.WriteProblemAsync(context.HttpContext, status);
            return;
        }

        context.Response.Redirect(context.RedirectUri);
    }
}
