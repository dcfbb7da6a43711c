using Xunit.Abstractions;

namespace Portal.Web.Tests.Security;

/// <summary>
/// The authorization matrix of what the portal maps only when HGS runs in its process (<see
/// cref="AuthorizationMatrix.ExpectedWithInProcessHgs"/>): no portal identity opens HGS's admin API.
/// </summary>
public sealed class InProcessHgsAuthorizationMatrixTests(InProcessHgsMatrixApp app, ITestOutputHelper output)
    : IClassFixture<InProcessHgsMatrixApp>
{
    [Fact]
    public void EveryEndpointMappedWithInProcessHgs_IsClassifiedInTheMatrix() =>
        MatrixProbe.AssertClassified(
            MappedEndpoints.Of(app.Services).Select(e => e.Key).Except(AuthorizationMatrix.Expected.Keys),
            AuthorizationMatrix.ExpectedWithInProcessHgs.Keys);

    [Fact]
    public async Task EveryHgsEndpoint_AnswersEachCallerAsTheMatrixSays()
    {
        var endpoints = MappedEndpoints.Of(app.Services).Where(e => AuthorizationMatrix.ExpectedWithInProcessHgs.ContainsKey(e.Key)).ToList();
        Assert.NotEmpty(endpoints);

        var failures = await MatrixProbe.RunAsync(endpoints, AuthorizationMatrix.ExpectedWithInProcessHgs, Request, app.Client, output);

        MatrixProbe.AssertNone(failures);
    }

    private static Task<HttpRequestMessage> Request(MappedEndpoint endpoint)
    {
        var method = new HttpMethod(endpoint.Method);
        var request = new HttpRequestMessage(method, MatrixRequests.Url(endpoint.Pattern, InProcessHgsMatrixApp.RouteValue));
        if (method == HttpMethod.Post || method == HttpMethod.Put)
        {
            request.Content = MatrixRequests.Empty(endpoint.Accepts);
        }

        return Task.FromResult(request);
    }
}
