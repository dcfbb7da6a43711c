using System.Net.Http.Json;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.VirtualMachines;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Tenants;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.ChangeFeed;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.VirtualMachines;

/// <summary>The VM pages rendered by bUnit against the real portal's services and its PostgreSQL database.</summary>
public sealed class VmPagesLiveTests : BunitContext, IClassFixture<PortalWebFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly PortalWebFactory _factory;
    private readonly BunitAuthorizationContext _auth;

    public VmPagesLiveTests(PortalWebFactory factory)
    {
        _factory = factory;
        // The services hold no resources of their own (each operation opens and closes its DbContext).
        var scope = factory.Services.CreateScope();
        _auth = AddAuthorization();
        Services.AddFluentUIComponents();
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<VmService>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<VmAdministration>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<JobAdministration>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<FabricAdministration>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<TenantAdministration>());
        Services.AddSingleton(factory.Services.GetRequiredService<IChangeFeed>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<ClientAddress>();
        Services.AddScoped<CurrentActor>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public async Task VmList_ShowsTheShieldOnlyForShieldedVms_AndFollowsChangesWithoutReloading()
    {
        var (tenantId, vmIds) = await TenantWithVmsAsync("plain-1", "shielded-1");
        await _factory.WithDbAsync(db => db.VirtualMachines.Where(v => v.Id == vmIds[1])
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Shielded, true).SetProperty(v => v.Policy, ShieldingPolicy.Shielded)));
        SignInAsTenant(tenantId);

        var page = Render<VmListPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-vm]").Count), Patience);
        Assert.Empty(page.Find("[data-vm='plain-1']").QuerySelectorAll("[data-testid=vm-shield]"));
        var shield = page.Find("[data-vm='shielded-1'] [data-testid=vm-shield]");
        Assert.Equal("Shielded (policy Shielded)", shield.GetAttribute("title"));
        Assert.Single(page.Find("[data-vm='shielded-1']").QuerySelectorAll("fluent-icon, svg"));

        await _factory.WithDbAsync(db => db.VirtualMachines.Where(v => v.Id == vmIds[0])
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, VmState.Failed)));
        await _factory.Services.GetRequiredService<IChangeFeed>().PublishAsync(new PortalChange(ChangeKind.VirtualMachine, vmIds[0], tenantId));

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("[data-testid=vm-state]"), b => b.GetAttribute("data-state") == "Failed"), Patience);
    }

    [Fact]
    public async Task VmList_OfAnotherTenant_ShowsNoneOfTheirVms()
    {
        await TenantWithVmsAsync("someone-elses");
        var (tenantId, _) = await TenantWithVmsAsync();
        SignInAsTenant(tenantId);

        var page = Render<VmListPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#no-vms")), Patience);
        Assert.DoesNotContain("someone-elses", page.Markup);
    }

    [Fact]
    public async Task JobsMonitor_FiltersByState()
    {
        var (_, vmIds) = await TenantWithVmsAsync("queued-vm", "failed-vm");
        var failedJob = await _factory.WithDbAsync(db => db.Jobs.Where(j => j.VmId == vmIds[1]).Select(j => j.Id).SingleAsync());
        await _factory.WithDbAsync(db => db.Jobs.Where(j => j.Id == failedJob)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Failed)));
        _auth.SetAuthorized("admin");
        _auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()));

        var page = Render<AdminJobsPage>();
        page.WaitForAssertion(() => Assert.Contains("queued-vm", page.Markup), Patience);
        var filter = page.FindComponents<FluentSelect<JobState?, JobState?>>().Single(s => s.Instance.Id == "filter-state");
        await page.InvokeAsync(() => filter.Instance.ValueChanged.InvokeAsync(JobState.Failed));

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("[data-job-row]");
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Equal("Failed", r.GetAttribute("data-state")));
            Assert.Contains(rows, r => r.GetAttribute("data-job-row") == failedJob.ToString());
        }, Patience);
        Assert.DoesNotContain("queued-vm", page.Markup);
        Assert.Single(page.FindComponents<FluentButton>(), b => b.Instance.ChildContent is not null && Text(b) == "Restart");
    }

    private static string Text(IRenderedComponent<FluentButton> button) => button.Find("fluent-button").TextContent.Trim();

    private void SignInAsTenant(Guid tenantId)
    {
        _auth.SetAuthorized("tenant@portal.test");
        _auth.SetClaims(new Claim(PortalClaims.TenantId, tenantId.ToString()));
    }

    /// <summary>A new tenant on a new plan with regular VMs of the given names (each with its queued create job).</summary>
    private async Task<(Guid TenantId, Guid[] VmIds)> TenantWithVmsAsync(params string[] names)
    {
        var api = await OffersApi.SignInAsync(_factory);
        var plan = await api.CreatePlanAsync();
        var tenant = await PortalSession.SignUpAsync(_factory);
        var client = await tenant.ApiClientAsync(_factory);
        var subscription = await OffersApi.SubscribeAsync(client, plan.Id);
        var ids = new List<Guid>();
        foreach (var name in names)
        {
            var response = await client.PostAsJsonAsync("/api/v1/vms",
                new CreateVmRequest(subscription.Id, name, plan.TemplateIds[0], plan.HardwareProfileIds[0], false));
            var vm = await response.Content.ReadFromJsonAsync<VmDto>(OffersJson.Options);
            Assert.True(response.IsSuccessStatusCode, $"create VM answered {(int)response.StatusCode}");
            ids.Add(vm!.Id);
        }

        return (subscription.TenantId, [.. ids]);
    }
}
