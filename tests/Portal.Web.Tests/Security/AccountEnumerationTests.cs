using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Data.Identity;
using Portal.Web.Features.Account;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Security;

/// <summary>Sign-in answers, and the work behind them, do not tell whether an email has an account.</summary>
public sealed partial class AccountEnumerationTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task TokenEndpoint_RealAndUnknownEmail_AnswerIdentically_AlsoAfterFiveTries()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var unknown = $"{Guid.NewGuid():N}@tenant.test";
        var client = factory.CreateBrowserlessClient();

        for (var attempt = 1; attempt <= IdentitySetup.MaxFailedSignIns + 2; attempt++)
        {
            var real = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, "Wrong-Passw0rd-9"));
            var none = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(unknown, "Wrong-Passw0rd-9"));

            Assert.Equal(none.StatusCode, real.StatusCode);
            Assert.Equal(Comparable(await none.Content.ReadAsStringAsync()), Comparable(await real.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task SignInForm_RealAndUnknownEmail_ShowTheSameMessage_AlsoAfterFiveTries()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var unknown = $"{Guid.NewGuid():N}@tenant.test";

        for (var attempt = 1; attempt <= IdentitySetup.MaxFailedSignIns + 2; attempt++)
        {
            var real = await ErrorShownAsync(tenant.Email);
            var none = await ErrorShownAsync(unknown);

            Assert.Equal(none, real);
            Assert.Equal(PasswordSignIn.FailureMessage, real);
        }
    }

    [Fact]
    public async Task FailedSignIn_UnknownEmailOrLockedAccount_StillHashesAPassword()
    {
        var hashes = new HashCounter();
        await using var counted = factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddScoped<IPasswordHasher<PortalUser>>(sp => new CountingHasher(
                new PasswordHasher<PortalUser>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>()), hashes))));
        var client = counted.CreateClient();
        var tenant = await PortalSession.SignUpAsync(factory);

        var unknown = await hashes.CountAsync(() => client.PostAsJsonAsync(
            "/api/v1/auth/token", new TokenRequest($"{Guid.NewGuid():N}@tenant.test", "Wrong-Passw0rd-9")));
        var wrongPassword = await hashes.CountAsync(() => client.PostAsJsonAsync(
            "/api/v1/auth/token", new TokenRequest(tenant.Email, "Wrong-Passw0rd-9")));
        for (var attempt = 1; attempt < IdentitySetup.MaxFailedSignIns; attempt++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, "Wrong-Passw0rd-9"));
        }

        var locked = await hashes.CountAsync(() => client.PostAsJsonAsync(
            "/api/v1/auth/token", new TokenRequest(tenant.Email, tenant.Password)));

        Assert.Equal(1, wrongPassword);
        Assert.Equal(wrongPassword, unknown);
        Assert.Equal(wrongPassword, locked);
    }

    private async Task<string> ErrorShownAsync(string email)
    {
        var session = PortalSession.Anonymous(factory);
        var response = await session.PostFormAsync("/account/sign-in", "sign-in", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "Wrong-Passw0rd-9",
        });
        var match = ErrorElement().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, "No sign-in error shown");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    // The trace id differs per request by design; everything else must match.
    private static string Comparable(string problem) => TraceId().Replace(problem, "\"traceId\":\"…\"");

    [GeneratedRegex("data-testid=\"sign-in-error\">([^<]*)<")]
    private static partial Regex ErrorElement();

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    private sealed class HashCounter
    {
        private int _verified;

        public void Verified() => Interlocked.Increment(ref _verified);

        public async Task<int> CountAsync(Func<Task<HttpResponseMessage>> act)
        {
            var before = Volatile.Read(ref _verified);
            (await act()).Dispose();
            return Volatile.Read(ref _verified) - before;
        }
    }

    private sealed class CountingHasher(IPasswordHasher<PortalUser> inner, HashCounter counter) : IPasswordHasher<PortalUser>
    {
        public string HashPassword(PortalUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
        {
            counter.Verified();
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
