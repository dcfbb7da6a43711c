using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Portal.Core.Gallery;
using Portal.Core.Quotas;
using Portal.Web.Features.Account;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.VirtualMachines;

namespace Portal.Bench;

/// <summary>A tenant user's bearer token and the subscriptions the bench made for it.</summary>
public sealed record BenchTenant(string Email, string BearerToken, IReadOnlyList<Guid> SubscriptionIds);

/// <summary>What the VM benchmark creates from: one published plan with one template and one size.</summary>
public sealed record BenchOffer(Guid PlanId, Guid TemplateId, Guid SizeId);

/// <summary>
/// Builds the data the benchmarks need through the portal's own APIs and pages, as a provider and tenants would:
/// a size, template and plan (admin API), tenants (sign-up form) and their subscriptions (tenant API).
/// </summary>
public sealed partial class PortalSetup(Uri baseAddress)
{
    /// <summary>Every bench tenant's password (the circuit benchmark signs in with it in a browser).</summary>
    public const string TenantPassword = "Bench-Tenant-Passw0rd-1";

    /// <summary>The API writes enums as names.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<BenchOffer> CreateOfferAsync(CancellationToken ct)
    {
        using var admin = await ApiClientAsync(BenchPortal.AdminEmail, BenchPortal.AdminPassword, ct);
        var size = await CreatedAsync<HardwareProfileDto>(await admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest("Bench size", 1, 1, 40, null), Json, ct), ct);
        var template = await CreatedAsync<TemplateDto>(await admin.PostAsJsonAsync("/api/admin/v1/templates",
            new TemplateRequest("Bench Windows Server", OsFamily.Windows, "2025 Datacenter", 2, "bench.vhdx", 40, size.Id, null),
            Json, ct), ct);

        // Generous on every dimension the check compares (storage unlimited), so no request is refused for quota.
        var quota = new QuotaDto(QuotaLimits.MaxLimit, QuotaLimits.MaxLimit, QuotaLimits.MaxLimit, null);
        var plan = await CreatedAsync<PlanDto>(await admin.PostAsJsonAsync("/api/admin/v1/plans",
            new PlanRequest("Bench plan", "Benchmark", quota, false, null, null, [template.Id], [size.Id]), Json, ct), ct);
        var published = await admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/publish", null, ct);
        await EnsureAsync(published, HttpStatusCode.OK, ct);
        return new BenchOffer(plan.Id, template.Id, size.Id);
    }

    /// <summary>Signs a tenant up through the sign-up form, takes a bearer token and subscribes it to the plan.</summary>
    public async Task<BenchTenant> CreateTenantAsync(string name, Guid planId, int subscriptions, CancellationToken ct)
    {
        var email = $"{name}-{Guid.NewGuid():N}@tenant.bench";
        await SignUpAsync(name, email, TenantPassword, ct);

        using var api = await ApiClientAsync(email, TenantPassword, ct);
        var ids = new List<Guid>();
        for (var i = 0; i < subscriptions; i++)
        {
            var subscription = await CreatedAsync<SubscriptionDto>(await api.PostAsJsonAsync("/api/v1/subscriptions",
                new SubscribeRequest(planId, $"Bench {i + 1}", null), Json, ct), ct);
            ids.Add(subscription.Id);
        }

        return new BenchTenant(email, api.DefaultRequestHeaders.Authorization!.Parameter!, ids);
    }

    /// <summary>Creates <paramref name="count"/> VMs in the tenant's first subscription, four requests at a time.</summary>
    public async Task CreateVmsAsync(BenchTenant tenant, BenchOffer offer, int count, CancellationToken ct)
    {
        using var api = new HttpClient { BaseAddress = baseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.BearerToken);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
        {
            var request = new CreateVmRequest(tenant.SubscriptionIds[0], $"listed-{i:000}", offer.TemplateId, offer.SizeId, false);
            await EnsureAsync(await api.PostAsJsonAsync("/api/v1/vms", request, Json, token), HttpStatusCode.Accepted, token);
        });
    }

    private async Task SignUpAsync(string name, string email, string password, CancellationToken ct)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
        };
        var page = await browser.GetStringAsync("/account/sign-up", ct);
        var token = AntiforgeryField().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException("The sign-up page has no antiforgery token.");
        }

        var response = await browser.PostAsync("/account/sign-up", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-up",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Organization"] = $"Bench {name}",
            ["Input.DisplayName"] = $"Bench {name}",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        }), ct);
        await EnsureAsync(response, HttpStatusCode.Redirect, ct);
    }

    /// <summary>The provider admin's API client (bearer token), e.g. for join tokens and draining hosts.</summary>
    public Task<HttpClient> AdminClientAsync(CancellationToken ct) => ApiClientAsync(BenchPortal.AdminEmail, BenchPortal.AdminPassword, ct);

    private async Task<HttpClient> ApiClientAsync(string email, string password, CancellationToken ct)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(email, password), Json, ct);
        await EnsureAsync(response, HttpStatusCode.OK, ct);
        var token = (await response.Content.ReadFromJsonAsync<SessionTokenResponse>(Json, ct))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }

    public static async Task<T> CreatedAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await EnsureAsync(response, HttpStatusCode.Created, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    public static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, "
                + $"got {(int)response.StatusCode}: {body}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
