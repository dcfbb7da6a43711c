using System.Net;
using System.Text.Json;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Operations;

public sealed class PortalHealthTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Live_AsksNoDependency()
    {
        var response = await factory.CreateClient().GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["self"], await ChecksAsync(response));
    }

    [Fact]
    public async Task Ready_ChecksDatabaseAndSchema()
    {
        var response = await factory.CreateClient().GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["database", "schema"], (await ChecksAsync(response)).Order());
    }

    [Fact]
    public async Task Healthz_StillReportsEveryCheck()
    {
        var response = await factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["database", "schema", "self"], (await ChecksAsync(response)).Order());
    }

    private static async Task<List<string>> ChecksAsync(HttpResponseMessage response) =>
        [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name)];
}
