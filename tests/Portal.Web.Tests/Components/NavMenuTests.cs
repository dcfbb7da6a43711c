using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Web.Components.Layout;
using Portal.Web.Infrastructure;

namespace Portal.Web.Tests.Components;

public sealed class NavMenuTests : BunitContext
{
    private static readonly string[] TenantItems =
        ["Dashboard", "Virtual machines", "Shielding data", "Subscriptions", "Activity", "API tokens"];

    private static readonly string[] AdminItems =
        ["Overview", "Plans", "Tenants", "Subscriptions", "Gallery", "Fabric", "All VMs", "Jobs", "Audit"];

    private readonly BunitAuthorizationContext _auth;

    public NavMenuTests()
    {
        _auth = AddAuthorization();
        Services.AddFluentUIComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public void Tenant_SeesTenantNavigationOnly()
    {
        _auth.SetAuthorized("tenant@example.test");
        _auth.SetPolicies(PortalPolicies.Tenant);

        var menu = Render<NavMenu>();

        Assert.Equal(TenantItems, NavTexts(menu));
        Assert.DoesNotContain(menu.FindAll("a"), a => a.GetAttribute("href")?.StartsWith("/admin", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void ProviderAdmin_SeesProviderNavigation()
    {
        _auth.SetAuthorized("admin@example.test");
        _auth.SetPolicies(PortalPolicies.ProviderAdmin);

        var menu = Render<NavMenu>();

        Assert.Equal(AdminItems, NavTexts(menu));
        Assert.All(menu.FindAll("a"), a => Assert.StartsWith("/admin", a.GetAttribute("href")));
    }

    private static string[] NavTexts(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a").Select(a => a.TextContent.Trim())];
}
