using System.Net;
using Portal.Web.Tests.Infrastructure;

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
}
