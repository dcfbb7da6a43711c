using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.VirtualMachines;

/// <summary>The VM and job pages as first rendered on the server, for the role each is meant for.</summary>
public sealed class VmPagesServerRenderTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Theory]
    [InlineData("/vms", "New virtual machine")]
    [InlineData("/vms/new", "No subscription")]
    [InlineData("/activity", "Jobs")]
    public async Task TenantPages_Render(string path, string text)
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var response = await tenant.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(text, html);
        Assert.DoesNotContain("Coming soon", html);
    }

    [Theory]
    [InlineData("/admin/jobs", "Filter jobs")]
    [InlineData("/admin/vms", "Filter VMs")]
    public async Task ProviderPages_Render(string path, string text)
    {
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var response = await admin.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(text, html);
        Assert.DoesNotContain("Coming soon", html);
    }

    [Fact]
    public async Task UnknownVm_ReadsAsNotFound()
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var html = await tenant.Client.GetStringAsync($"/vms/{Guid.NewGuid()}");

        Assert.Contains("Virtual machine not found", html);
    }

    [Fact]
    public async Task ProviderPages_RefuseATenant()
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var response = await tenant.Client.GetAsync("/admin/jobs");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Filter jobs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NewVmPage_WithASubscription_ShowsTheGalleryWithShieldsTheShieldedOptionAndWhatTheVmAdds()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var tenant = await PortalSession.SignUpAsync(factory);
        await OffersApi.SubscribeAsync(await tenant.ApiClientAsync(factory), plan.Id);

        var html = WebUtility.HtmlDecode(await tenant.Client.GetStringAsync("/vms/new"));

        Assert.Contains($"data-shield=\"{plan.TemplateIds[0]}\"", html);
        Assert.Contains("id=\"vm-shielded\"", html);
        Assert.Contains("Shielded", html);
        Assert.Contains("this VM adds 1; 0 in use now", html);
        Assert.DoesNotContain("No subscription", html);
    }

    [Fact]
    public async Task VmOfAnotherTenant_ReadsExactlyLikeAnUnknownOne()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var owner = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        var subscription = await OffersApi.SubscribeAsync(owner, plan.Id);
        var created = await owner.PostAsJsonAsync("/api/v1/vms",
            new CreateVmRequest(subscription.Id, "private-vm", plan.TemplateIds[0], plan.HardwareProfileIds[0], false));
        var vm = (await created.Content.ReadFromJsonAsync<VmDto>(OffersJson.Options))!;
        var other = await PortalSession.SignUpAsync(factory);

        var html = await other.Client.GetStringAsync($"/vms/{vm.Id}");

        Assert.Contains("Virtual machine not found", html);
        Assert.DoesNotContain("private-vm", html);
    }

    [Fact]
    public async Task NewVmPage_TemplateWithoutSignedDisk_ExplainsWhyShieldingIsUnavailable()
    {
        var api = await OffersApi.SignInAsync(factory);
        var size = await api.CreateSizeAsync();
        var unsigned = await api.CreateTemplateAsync(size.Id, signed: false);
        var plan = await api.CreatePlanAsync(templateId: unsigned.Id, sizeId: size.Id);
        var tenant = await PortalSession.SignUpAsync(factory);
        await OffersApi.SubscribeAsync(await tenant.ApiClientAsync(factory), plan.Id);

        var html = WebUtility.HtmlDecode(await tenant.Client.GetStringAsync("/vms/new"));

        Assert.Contains($"Template '{unsigned.Name}' has no signed template disk, so it cannot create a shielded VM", html);
        Assert.DoesNotContain($"data-shield=\"{unsigned.Id}\"", html);
    }
}
