using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Web.Features.Account;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Security;

/// <summary>
/// The request each row sends: the route filled with real ids, and a body of the right shape where the endpoint reads one.
/// Where the owner's answer depends on the body (creating in A's subscription, taking A's add-on), the body is valid, so
/// that another tenant's 404 comes from the ownership check and not from a bad body. Elsewhere an empty body of the type
/// the endpoint accepts is enough: authorization answers before the handler reads it.
/// </summary>
public static partial class MatrixRequests
{
    public static async Task<HttpRequestMessage> CreateAsync(MappedEndpoint endpoint, AuthorizationMatrixApp app)
    {
        var method = endpoint.Method == MappedEndpoint.AnyMethod ? HttpMethod.Get : new HttpMethod(endpoint.Method);
        var request = new HttpRequestMessage(method, Url(endpoint.Pattern, app.RouteValue));
        if (endpoint.Key == "POST /api/fabric/v1/join")
        {
            // Each probe joins with a token of its own: a join token works once.
            request.Content = Json(new JoinRequest(await app.NewJoinTokenAsync(), $"host-{Guid.NewGuid():N}"[..13], TestAgent.Capacity, "1.0.0", null));
        }
        else if (method == HttpMethod.Post || method == HttpMethod.Put)
        {
            request.Content = Body(endpoint, app);
        }

        if (endpoint.Key == "GET /api/fabric/v1/jobs/{id}/shielding-data")
        {
            request.Headers.Add(FabricHeaders.FencingToken, "0");
        }

        return request;
    }

    /// <summary>The pattern with each parameter filled by its value, looked up by the pattern through that parameter.</summary>
    public static string Url(string pattern, Func<string, string> routeValue) =>
        Parameter().Replace(pattern, m => Uri.EscapeDataString(routeValue(pattern[..(m.Index + m.Length)])));

    private static HttpContent Body(MappedEndpoint endpoint, AuthorizationMatrixApp app)
    {
        var tenantA = app.TenantA;
        var newVm = new CreateVmRequest(tenantA.SubscriptionId, $"vm-{Guid.NewGuid():N}"[..11], tenantA.TemplateId, tenantA.SizeId, false);
        return endpoint.Key switch
        {
            "POST /api/v1/auth/token" => Json(new TokenRequest(app.TenantBSession.Email, app.TenantBSession.Password)),
            "POST /api/v1/tokens/" => Json(new CreateApiTokenRequest(OffersApi.Unique("matrix"), 1)),
            "POST /api/v1/subscriptions/" => Json(new SubscribeRequest(app.PlanForTenants, "Matrix", null)),
            "POST /api/v1/subscriptions/{id}/addons" => Json(new AddAddOnRequest(app.AddOnForTenantA)),
            "POST /api/v1/vms" or "POST /api/v1/subscriptions/{id}/vms" => Json(newVm),
            "POST /api/admin/v1/subscriptions/" => Json(new AdminSubscribeRequest(app.TenantC, app.ProviderPlan, "Matrix")),
            "POST /api/admin/v1/subscriptions/{id}/addons" => Json(new AddAddOnRequest(app.ProviderAddOn)),
            "POST /api/fabric/v1/heartbeat" => Json(new HeartbeatRequest(app.Host.HostId, app.Host.Capacity, HostResources.Zero, [],
                app.HostAttestation(), "1.0.0")),
            "POST /api/fabric/v1/jobs/claim" => Json(new ClaimJobRequest(0)),
            "POST /api/fabric/v1/jobs/{id}/steps" => Json(new StepReport(0, JobStepKind.FetchTemplateDisk, JobStepState.Running, null)),
            "POST /api/fabric/v1/jobs/{id}/lease" => Json(new LeaseRenewalRequest(0)),
            "POST /api/fabric/v1/jobs/{id}/key-protector" => Json(new KeyProtectorReport(0, TestJobAgent.MakeKeyProtector())),
            "POST /api/fabric/v1/jobs/{id}/complete" => Json(new JobCompletion(0, true, null, false)),
            _ => Empty(endpoint.Accepts),
        };
    }

    private static JsonContent Json<T>(T value) => JsonContent.Create(value, options: OffersJson.Options);

    /// <summary>An empty body of the type the endpoint accepts, so content negotiation does not answer first.</summary>
    public static HttpContent Empty(string? contentType) => contentType switch
    {
        "multipart/form-data" => new MultipartFormDataContent { { new StringContent("matrix"), "friendlyName" } },
        null or "application/json" => new StringContent("{}", MediaTypeHeaderValue.Parse("application/json")),
        _ => new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } },
    };

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
