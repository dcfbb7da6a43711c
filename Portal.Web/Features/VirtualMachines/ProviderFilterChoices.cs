using Portal.Web.Features.Fabric;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Tenants;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>The host and tenant choices the provider's VM and job lists filter by.</summary>
public static class ProviderFilterChoices
{
    public static async Task<(IReadOnlyList<Choice> Hosts, IReadOnlyList<Choice> Tenants)> LoadAsync(
        FabricAdministration fabric, TenantAdministration tenants, CancellationToken ct)
    {
        var hostList = await fabric.ListAsync(includeRemoved: true, ct);
        var tenantPage = await tenants.ListAsync(search: null, page: 1, pageSize: 200, ct);
        return (
            [Choice.Any("Any host"), .. hostList.OrderBy(h => h.Name).Select(h => new Choice(h.Id, h.Name))],
            [Choice.Any("Any tenant"), .. tenantPage.Items.OrderBy(t => t.Name).Select(t => new Choice(t.Id, t.Name))]);
    }
}
