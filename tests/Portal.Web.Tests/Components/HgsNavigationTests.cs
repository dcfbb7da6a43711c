using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Web.Components.Layout;
using Portal.Web.Features.EmbeddedFabric;
using Portal.Web.Infrastructure;

namespace Portal.Web.Tests.Components;

/// <summary>The provider's link to the HGS admin pages exists only where HGS runs in the portal's process.</summary>
public sealed class HgsNavigationTests : BunitContext
{
    public HgsNavigationTests()
    {
        Services.AddFluentUIComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void ProviderAdmin_WithInProcessHgs_SeesTheHostGuardianServiceLink()
    {
        var menu = RenderMenu(inProcessHgs: true, "admin@example.test", PortalPolicies.ProviderAdmin);

        var link = Assert.Single(menu.FindAll("a"), a => a.TextContent.Trim() == "Host Guardian Service");
        Assert.Equal("/hgs/admin", link.GetAttribute("href"));
    }

    [Fact]
    public void ProviderAdmin_WithHgsElsewhere_HasNoHostGuardianServiceLink()
    {
        var menu = RenderMenu(inProcessHgs: false, "admin@example.test", PortalPolicies.ProviderAdmin);

        Assert.DoesNotContain(menu.FindAll("a"), a => a.GetAttribute("href") == "/hgs/admin");
    }

    [Fact]
    public void Tenant_WithInProcessHgs_HasNoHostGuardianServiceLink()
    {
        var menu = RenderMenu(inProcessHgs: true, "tenant@example.test", PortalPolicies.Tenant);

        Assert.DoesNotContain(menu.FindAll("a"), a => a.GetAttribute("href") == "/hgs/admin");
    }

    private IRenderedComponent<NavMenu> RenderMenu(bool inProcessHgs, string user, string policy)
    {
        if (inProcessHgs)
        {
            Services.AddSingleton<InProcessHgsAdminPages>();
        }

        AddAuthorization().SetAuthorized(user).SetPolicies(policy);
        SetRendererInfo(new RendererInfo("Server", true));
        return Render<NavMenu>();
    }
}
