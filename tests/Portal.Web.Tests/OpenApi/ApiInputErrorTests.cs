using System.Net;
using System.Text;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.OpenApi;

/// <summary>
/// A value the API cannot use is answered with the field's name as the client wrote it and what was expected —
/// never a C# type, parameter declaration or exception text — and a 401 says how to authenticate.
/// </summary>
public sealed class ApiInputErrorTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task DomainValidationErrors_UseTheBodysCamelCaseNames()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsync("/api/admin/v1/plans", Json("""{"name":"","templateIds":[],"hardwareProfileIds":[]}"""));

        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _), errors.ToString());
        Assert.False(errors.TryGetProperty("Name", out _), errors.ToString());
    }

    [Fact]
    public async Task BadGuidInRoute_Returns400SayingAGuidIsExpected()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.GetAsync("/api/admin/v1/plans/not-a-guid");

        var message = await SingleErrorAsync(response, "id");
        Assert.Contains("'not-a-guid'", message);
        Assert.Contains("must be a GUID", message);
    }

    [Fact]
    public async Task BadEnumInQuery_Returns400ListingTheValues()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.GetAsync("/api/admin/v1/vms?state=Sleeping");

        var message = await SingleErrorAsync(response, "state");
        Assert.Equal("'Sleeping' is not a valid state; expected one of: Provisioning, Running, Stopped, Failed, Deleted.", message);
    }

    [Fact]
    public async Task BadEnumInBody_Returns400NamingTheFieldAndTheValues()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsync("/api/admin/v1/templates", Json("""{"name":"t","osFamily":"BeOS","generation":2}"""));

        Assert.Equal("osFamily must be one of: Windows, Linux.", await SingleErrorAsync(response, "osFamily"));
    }

    [Fact]
    public async Task BadGuidInBody_Returns400NamingTheNestedField()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsync("/api/admin/v1/plans", Json("""{"name":"p","templateIds":["nope"]}"""));

        var message = await SingleErrorAsync(response, "templateIds[0]");
        Assert.Contains("must be a GUID", message);
    }

    [Fact]
    public async Task NumberSentAsString_IsRefused_BecauseNumbersAreStrict()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsync("/api/admin/v1/hardware-profiles",
            Json("""{"name":"s","vcpus":"2","memoryGiB":4,"diskGiB":40}"""));

        Assert.Equal("vcpus must be a whole number.", await SingleErrorAsync(response, "vcpus"));
    }

    [Fact]
    public async Task MalformedJson_Returns400WithoutParserInternals()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsync("/api/admin/v1/hardware-profiles", Json("""{"name": """));

        Assert.StartsWith("The body is not valid JSON", await SingleErrorAsync(response, "body"));
    }

    [Fact]
    public async Task MissingBody_Returns400SayingABodyIsRequired()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsync("/api/admin/v1/hardware-profiles", Json(""));

        Assert.StartsWith("A JSON body is required", await SingleErrorAsync(response, "body"));
    }

    [Fact]
    public async Task Unauthenticated_Answers401WithBearerChallenge()
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

        var response = await client.GetAsync("/api/v1/vms");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The one error of a 400 validation problem, under <paramref name="key"/>, free of C# and exception text.</summary>
    private static async Task<string> SingleErrorAsync(HttpResponseMessage response, string key)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var raw = problem.ToString();
        foreach (var leak in new[] { "System.", "Portal.", "parameter \"", "Exception", "Path: $", "LineNumber" })
        {
            Assert.DoesNotContain(leak, raw, StringComparison.Ordinal);
        }

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(key, out var messages), $"No error under '{key}': {raw}");
        return Assert.Single(messages.EnumerateArray()).GetString()!;
    }
}
