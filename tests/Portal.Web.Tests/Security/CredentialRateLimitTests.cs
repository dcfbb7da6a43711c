using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Account;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Security;

/// <summary>A portal with low credential limits: 5 attempts per client address, 3 per account, in long windows.</summary>
public sealed class RateLimitedPortal : IAsyncLifetime
{
    public const int PerAddress = 5;
    public const int PerAccount = 3;

    public PortalWebFactory Factory { get; } = new();

    public Task InitializeAsync()
    {
        Factory.Settings["RateLimits:Credentials:PerAddressPermits"] = PerAddress.ToString();
        Factory.Settings["RateLimits:Credentials:PerAddressWindow"] = "00:30:00";
        Factory.Settings["RateLimits:Credentials:PerAccountPermits"] = PerAccount.ToString();
        Factory.Settings["RateLimits:Credentials:PerAccountWindow"] = "00:30:00";
        return ((IAsyncLifetime)Factory).InitializeAsync();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)Factory).DisposeAsync();
}

public sealed class CredentialRateLimitTests(RateLimitedPortal portal) : IClassFixture<RateLimitedPortal>
{
    private PortalWebFactory Factory => portal.Factory;

    [Fact]
    public async Task TokenEndpoint_TooManyAttemptsFromOneAddress_Answers429WithRetryAfter_OtherAddressesUnaffected()
    {
        var address = NewAddress();
        for (var attempt = 0; attempt < RateLimitedPortal.PerAddress; attempt++)
        {
            var allowed = await TokenAsync(address, $"{Guid.NewGuid():N}@tenant.test");
            await allowed.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var refused = await TokenAsync(address, $"{Guid.NewGuid():N}@tenant.test");
        var elsewhere = await TokenAsync(NewAddress(), $"{Guid.NewGuid():N}@tenant.test");

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("Try again in", problem.GetProperty("detail").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        await elsewhere.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TokenEndpoint_TooManyAttemptsForOneAccount_FromManyAddresses_Answers429(bool accountExists)
    {
        var email = accountExists ? (await PortalSession.SignUpAsync(Factory)).Email : $"{Guid.NewGuid():N}@tenant.test";

        // Signing up was the account's first attempt.
        var allowed = RateLimitedPortal.PerAccount - (accountExists ? 1 : 0);
        for (var attempt = 0; attempt < allowed; attempt++)
        {
            // The same account however its email is spelled.
            var spelled = attempt % 2 == 0 ? email : $"  {email.ToUpperInvariant()} ";
            await (await TokenAsync(NewAddress(), spelled)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var refused = await TokenAsync(NewAddress(), email);

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task SignInForm_TooManyAttempts_ShowsAReadableMessage()
    {
        var session = PortalSession.Anonymous(Factory);
        session.Client.DefaultRequestHeaders.Add(TestClientAddress.Header, NewAddress());
        var email = $"{Guid.NewGuid():N}@tenant.test";
        for (var attempt = 0; attempt < RateLimitedPortal.PerAccount; attempt++)
        {
            var allowed = await session.PostFormAsync("/account/sign-in", "sign-in", SignIn(email));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var refused = await session.PostFormAsync("/account/sign-in", "sign-in", SignIn(email));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignUpForm_TooManyFromOneAddress_IsRefused()
    {
        var address = NewAddress();
        HttpResponseMessage? last = null;
        for (var attempt = 0; attempt <= RateLimitedPortal.PerAddress; attempt++)
        {
            var session = PortalSession.Anonymous(Factory);
            session.Client.DefaultRequestHeaders.Add(TestClientAddress.Header, address);
            var email = $"{Guid.NewGuid():N}@tenant.test";
            last = await session.PostFormAsync("/account/sign-up", "sign-up", new Dictionary<string, string>
            {
                ["Input.Organization"] = $"Org {email}",
                ["Input.DisplayName"] = "Test Tenant",
                ["Input.Email"] = email,
                ["Input.Password"] = "Tenant-Passw0rd-1",
                ["Input.ConfirmPassword"] = "Tenant-Passw0rd-1",
            });
            if (attempt < RateLimitedPortal.PerAddress)
            {
                Assert.Equal(HttpStatusCode.Redirect, last.StatusCode);
            }
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.Contains("Too many sign-in attempts", await last.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignInPage_ReadingIsNotCounted()
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, NewAddress());
        for (var attempt = 0; attempt <= RateLimitedPortal.PerAddress * 2; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/sign-in")).StatusCode);
        }
    }

    private async Task<HttpResponseMessage> TokenAsync(string address, string email)
    {
        var client = Factory.CreateBrowserlessClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
        {
            Content = JsonContent.Create(new TokenRequest(email, "Wrong-Passw0rd-9")),
        };
        request.Headers.Add(TestClientAddress.Header, address);
        return await client.SendAsync(request);
    }

    private static Dictionary<string, string> SignIn(string email) => new()
    {
        ["Input.Email"] = email,
        ["Input.Password"] = "Wrong-Passw0rd-9",
    };

    private static string NewAddress() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";
}
