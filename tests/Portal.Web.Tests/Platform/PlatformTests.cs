using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Platform;

public sealed class PlatformTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Healthz_ReportsDatabaseReachable()
    {
        var response = await factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        Assert.Equal("Healthy", json.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ApiReferencePage_IsServed()
    {
        var response = await factory.CreateClient().GetAsync("/api/reference");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("TenantPortal API", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownApiRoute_Answers404Problem()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/no-such-thing");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SignInCookie_IsAcceptedByASecondPortalOnTheSameDatabase()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        using var second = factory.SecondInstance();
        var secondClient = second.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", tenant.CookieHeader);
        var response = await secondClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Welcome, Test Tenant", await response.Content.ReadAsStringAsync());
        Assert.True(await factory.WithDbAsync(db => db.DataProtectionKeys.AnyAsync()));
    }
}
