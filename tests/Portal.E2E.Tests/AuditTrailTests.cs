using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.Web.Features.Audit;
using Portal.Web.Infrastructure.Paging;

namespace Portal.E2E.Tests;

public sealed class AuditTrailTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task ActOnAnInteractivePage_IsAuditedWithWhoAndTheBrowsersAddress()
    {
        var tenant = TestTenant.New();
        await new SignUpPage(Page).SignUpAsync(tenant);
        var tokens = new ApiTokensPage(Page);
        await tokens.OpenAsync();
        var name = $"audited {Guid.NewGuid():N}"[..20];

        await tokens.CreateAsync(name);
        await Assertions.Expect(tokens.Row(name)).ToBeVisibleAsync();

        using var admin = await Portal.AdminApiAsync();
        var entries = await admin.GetFromJsonAsync<Page<AuditEntryDto>>(
            $"/api/admin/v1/audit?search={Uri.EscapeDataString(name)}");
        var entry = Assert.Single(entries!.Items);
        Assert.Equal("api-token.created", entry.Action);
        Assert.Equal(tenant.Email, entry.ActorName);
        Assert.Equal("127.0.0.1", entry.RemoteAddress);
    }
}
