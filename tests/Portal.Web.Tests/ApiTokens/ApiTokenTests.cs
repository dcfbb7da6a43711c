using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.ApiTokens;

public sealed class ApiTokenTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task PersonalToken_IssueUseRevoke_StopsWorkingAtOnce()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var session = await tenant.ApiClientAsync(factory);

        var created = await session.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("build server", 30));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = (await created.Content.ReadFromJsonAsync<IssuedApiToken>())!;
        Assert.StartsWith("tpat_", issued.Secret);

        var personal = Bearer(issued.Secret);
        var listed = (await personal.GetFromJsonAsync<Web.Infrastructure.Paging.Page<ApiTokenDto>>("/api/v1/tokens"))?.Items;
        Assert.Contains(listed!, t => t.Id == issued.Token.Id && t.Status == "Active");

        var revoked = await personal.DeleteAsync($"/api/v1/tokens/{issued.Token.Id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        var afterRevoke = await personal.GetAsync("/api/v1/tokens");
        var problem = await afterRevoke.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PersonalToken_IsStoredOnlyAsItsHash()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var session = await tenant.ApiClientAsync(factory);
        var created = await session.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("hash check", 30));
        var issued = (await created.Content.ReadFromJsonAsync<IssuedApiToken>())!;

        var row = await factory.WithDbAsync(db => db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == issued.Token.Id));
        var dump = await factory.WithDbAsync(db => db.Database
            .SqlQueryRaw<string>("SELECT row_to_json(t)::text AS \"Value\" FROM api_tokens t").ToListAsync());

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(issued.Secret)), row.SecretHash);
        Assert.DoesNotContain(dump, json => json.Contains(issued.Secret[12..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokingAnotherUsersToken_Answers404AndLeavesItActive()
    {
        var owner = await PortalSession.SignUpAsync(factory);
        var ownerApi = await owner.ApiClientAsync(factory);
        var created = await ownerApi.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("mine", 30));
        var issued = (await created.Content.ReadFromJsonAsync<IssuedApiToken>())!;
        var intruder = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

        var response = await intruder.DeleteAsync($"/api/v1/tokens/{issued.Token.Id}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(issued.Secret).GetAsync("/api/v1/tokens")).StatusCode);
    }

    [Fact]
    public async Task CreateToken_EmptyNameOrTooLong_Answers400NamingTheField()
    {
        var api = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

        var noName = await api.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("  ", 30));
        var tooLong = await api.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("ci", 5000));

        var nameProblem = await noName.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(nameProblem.GetProperty("errors").TryGetProperty("name", out _));
        var expiryProblem = await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(expiryProblem.GetProperty("errors").TryGetProperty("expiresInDays", out _));
    }

    [Theory]
    [InlineData("Bearer tpat_doesnotexistdoesnotexistdoesnotexistdoesnotexist")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer ")]
    public async Task Api_WithBadBearer_Answers401Problem(string header)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        var response = await client.GetAsync("/api/v1/tokens");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    private HttpClient Bearer(string secret)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}
