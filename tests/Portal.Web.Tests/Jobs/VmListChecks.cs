using Portal.Core.Jobs;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Jobs;

/// <summary>The VM list's one query, checked the same way on each database provider.</summary>
internal static class VmListChecks
{
    /// <summary>Pages count every VM of the tenant and none of another's; each listed VM reads as it does alone.</summary>
    public static async Task PagesMatchEachVmAsync(JobsApp app)
    {
        var tenant = await app.TenantAsync();
        var other = await app.TenantAsync();
        foreach (var name in new[] { "vm-c", "vm-a", "vm-b" })
        {
            await tenant.CreatedVmAsync(name);
        }

        await other.CreatedVmAsync("vm-0");

        var first = await tenant.Client.GetAsync<Page<VmDto>>("/api/v1/vms?top=2");
        var last = await tenant.Client.GetAsync<Page<VmDto>>("/api/v1/vms?top=2&skip=2");
        var past = await tenant.Client.GetAsync<Page<VmDto>>("/api/v1/vms?top=2&skip=5");

        Assert.Equal(["vm-a", "vm-b"], first.Items.Select(v => v.Name));
        Assert.Equal(["vm-c"], last.Items.Select(v => v.Name));
        Assert.Empty(past.Items);
        Assert.Equal([3, 3, 3], new[] { first.Total, last.Total, past.Total });
        Assert.NotNull(first.NextLink);
        Assert.Null(last.NextLink);
        // The list's one query gives each VM as reading it alone does: names, resources, its create job under way (whose
        // waiting reason the fabric controller may set in between).
        foreach (var listed in first.Items.Concat(last.Items))
        {
            var alone = await tenant.VmAsync(listed.Id);
            Assert.Equal(alone with { ActiveJob = null }, listed with { ActiveJob = null });
            Assert.Equal(alone.ActiveJob! with { WaitingReason = null }, listed.ActiveJob! with { WaitingReason = null });
            Assert.Equal(JobType.Create, listed.ActiveJob.Type);
        }
    }
}
