using Portal.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Web.Tests.Security;

/// <summary>
/// Every endpoint the running portal maps × {anonymous, tenant A, tenant B, provider admin, host agent}, against the
/// explicit table in <see cref="AuthorizationMatrix"/>. The route values are tenant A's real resources, so tenant B's
/// 404s are real cross-tenant probes.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixApp app, ITestOutputHelper output) : IClassFixture<AuthorizationMatrixApp>
{
    [Fact]
    public void EveryMappedEndpoint_IsClassifiedInTheMatrix() =>
        MatrixProbe.AssertClassified(MappedEndpoints.Of(app.App.Services).Select(e => e.Key), AuthorizationMatrix.Expected.Keys);

    [Fact]
    public async Task EveryMappedEndpoint_AnswersEachCallerAsTheMatrixSays()
    {
        var endpoints = MappedEndpoints.Of(app.App.Services);
        Assert.True(endpoints.Count > 100, $"Only {endpoints.Count} endpoints found");

        var failures = await MatrixProbe.RunAsync(
            endpoints, AuthorizationMatrix.Expected, e => MatrixRequests.CreateAsync(e, app), app.Client, output);

        MatrixProbe.AssertNone(failures);
    }

    /// <summary>A conditional change compares versions first: another tenant's resource must not answer 412 instead of 404.</summary>
    [Fact]
    public async Task ConditionalChange_OfAnotherTenantsSubscription_Answers404NotPreconditionFailed()
    {
        var endpoint = new MappedEndpoint("POST", "/api/v1/subscriptions/{id}/addons", "application/json");
        using var request = await MatrixRequests.CreateAsync(endpoint, app);
        request.Headers.TryAddWithoutValidation("If-Match", "\"999\"");

        using var response = await app.Client(Caller.TenantB).SendAsync(request);

        await response.AssertProblemAsync(System.Net.HttpStatusCode.NotFound);
    }
}
