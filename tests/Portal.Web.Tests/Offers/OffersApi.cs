using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.AddOns;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Offers;

/// <summary>An admin API client plus helpers that build a small offer: a size, a template and a plan.</summary>
public sealed class OffersApi(HttpClient admin)
{
    public HttpClient Admin { get; } = admin;

    public static async Task<OffersApi> SignInAsync(PortalWebFactory factory)
    {
        var session = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
        return new OffersApi(await session.ApiClientAsync(factory));
    }

    public static string Unique(string name) => $"{name} {Guid.NewGuid():N}"[..(name.Length + 9)];

    public async Task<HardwareProfileDto> CreateSizeAsync(int vcpus = 2, int memoryGiB = 4, int diskGiB = 40) =>
        await CreatedAsync<HardwareProfileDto>(await Admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest(Unique("Size"), vcpus, memoryGiB, diskGiB, null)));

    /// <summary>A generation 2 template; <paramref name="signed"/> uploads a real signed catalog (<see cref="SignedCatalogs"/>).</summary>
    public async Task<TemplateDto> CreateTemplateAsync(Guid? sizeId = null, bool signed = true)
    {
        var template = await CreatedAsync<TemplateDto>(await Admin.PostAsJsonAsync("/api/admin/v1/templates", new TemplateRequest(
            Unique("Windows Server"), Core.Gallery.OsFamily.Windows, "2025 Datacenter", 2, SignedCatalogs.DiskFileName, 40, sizeId,
            "Windows Server 2025")));
        return signed ? await SignedCatalogs.UploadAsync(Admin, template.Id) : template;
    }

    public async Task<PlanDto> CreatePlanAsync(
        QuotaDto? quota = null, string? invitationCode = null, bool publish = true, int? maxSubscriptions = null,
        Guid? templateId = null, Guid? sizeId = null)
    {
        var size = sizeId ?? (await CreateSizeAsync()).Id;
        var template = templateId ?? (await CreateTemplateAsync(size)).Id;
        var plan = await CreatedAsync<PlanDto>(await Admin.PostAsJsonAsync("/api/admin/v1/plans", new PlanRequest(
            Unique("Gold"), "For tests", quota ?? new QuotaDto(5, 10, 20, 200), true, invitationCode, maxSubscriptions,
            [template], [size])));
        if (publish)
        {
            var published = await Admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/publish", null);
            Assert.Equal(HttpStatusCode.OK, published.StatusCode);
            plan = (await published.Content.ReadFromJsonAsync<PlanDto>(OffersJson.Options))!;
        }

        return plan;
    }

    public async Task<AddOnDto> CreateAddOnAsync(Guid planId, Core.Quotas.ResourceAmount extra, bool publish = true, int max = 3)
    {
        var addOn = await CreatedAsync<AddOnDto>(await Admin.PostAsJsonAsync("/api/admin/v1/addons",
            new AddOnRequest(Unique("More"), null, extra, max, [planId])));
        if (publish)
        {
            var published = await Admin.PostAsync($"/api/admin/v1/addons/{addOn.Id}/publish", null);
            Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        }

        return addOn;
    }

    public static async Task<SubscriptionDto> SubscribeAsync(HttpClient tenant, Guid planId, string? code = null) =>
        await CreatedAsync<SubscriptionDto>(await tenant.PostAsJsonAsync("/api/v1/subscriptions",
            new SubscribeRequest(planId, "Production", code)));

    public static async Task<T> CreatedAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {body}");
        return (await response.Content.ReadFromJsonAsync<T>(OffersJson.Options))!;
    }
}
