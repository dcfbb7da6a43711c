using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Data.Identity;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Account;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/token", IssueTokenAsync)
            .WithTags("Authentication")
            .AllowAnonymous()
            .WithName("IssueToken")
            .WithSummary("Exchange email and password for a short-lived bearer token (same lockout rules as sign-in).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(CredentialRateLimits.PolicyName)
            .NoStore();

        // A form post from the layout; antiforgery is validated by the middleware.
        app.MapPost("/account/sign-out", async (SignInManager<PortalUser> signIn, [FromForm] string? returnUrl) =>
            {
                await signIn.SignOutAsync();
                return TypedResults.LocalRedirect("/account/sign-in");
            })
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<SessionTokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, PasswordSignIn passwords, ApiTokenService tokens, HttpContext http, CancellationToken ct)
    {
        if (await passwords.CheckAsync(request.Email, request.Password) is not { } user)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Sign-in failed",
                detail: PasswordSignIn.FailureMessage);
        }

        var actor = new Core.Auditing.AuditActor(user.Id, user.Email ?? "", http.Connection.RemoteIpAddress?.ToString());
        var issued = await tokens.IssueSessionAsync(user.Id, user.TenantId, actor, ct);
        return TypedResults.Ok(new SessionTokenResponse(issued.Secret, "Bearer", issued.Token.ExpiresAt));
    }
}

public sealed record TokenRequest(string? Email, string? Password);

public sealed record SessionTokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);
