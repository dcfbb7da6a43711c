using System.Net;
using System.Net.Http.Json;
using Portal.Core.Auditing;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Audit;

public sealed class AuditChainApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Verification_OfAnUntouchedLog_IsIntact_AtTheLastExportedEntry()
    {
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        await tenant.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("chained", 30));
        var admin = await AuditChainClient.AdminAsync(factory);

        var report = await admin.VerifyAsync();
        var exported = (await admin.ExportAsync()).SelectMany(p => p.Items).ToList();

        Assert.True(report.Intact, report.Break?.Message);
        Assert.Null(report.Break);
        Assert.True(report.Count >= 2);
        var atReport = exported.Single(e => e.Sequence == report.HeadSequence);
        Assert.Equal(atReport.Hash, report.HeadHash);
        Assert.Contains(exported, e => e.Target.Contains("chained", StringComparison.Ordinal));
        var local = new AuditChainVerifier();
        Assert.All(exported, e => Assert.True(local.Add(e), local.Break?.Message));
    }

    [Fact]
    public async Task Export_WalkedByNextLink_GivesEveryPlaceOnceInOrder()
    {
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        for (var i = 0; i < 3; i++)
        {
            await tenant.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest($"paged {i}", 30));
        }

        var admin = await AuditChainClient.AdminAsync(factory);

        var pages = await admin.ExportAsync(top: 2);

        var places = pages.SelectMany(p => p.Items).Select(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, places.Count).Select(i => (long)i), places);
        Assert.True(pages.Count >= 3);
        Assert.All(pages[..^1], p => Assert.Equal(2, p.Items.Count));
        Assert.Null(pages[^1].NextLink);
        Assert.Contains("after=2&top=2", pages[0].NextLink);
        Assert.True(pages[^1].Total >= places[^1]);
    }

    [Theory]
    [InlineData("top=0", "top")]
    [InlineData("top=1001", "top")]
    [InlineData("after=-1", "after")]
    public async Task Export_OutsideItsLimits_Answers400NamingTheField(string query, string field)
    {
        var admin = await AuditChainClient.AdminAsync(factory);

        var response = await admin.GetAsync($"/api/admin/v1/audit/chain?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("/api/admin/v1/audit/verification")]
    [InlineData("/api/admin/v1/audit/chain")]
    public async Task Tenant_Answers403_AndAnonymous401(string url)
    {
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });

        await (await tenant.GetAsync(url)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
    }
}
