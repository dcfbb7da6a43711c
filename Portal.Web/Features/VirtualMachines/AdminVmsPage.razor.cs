using Portal.Web.Infrastructure.Paging;
using Microsoft.AspNetCore.Components;
using Portal.Core.VirtualMachines;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>The provider's list of every VM (metadata only), filterable by state, host (<c>?hostId=</c>) and tenant.</summary>
public partial class AdminVmsPage
{
    private static readonly IReadOnlyList<VmState?> StateChoices = [null, .. Enum.GetValues<VmState>().Where(s => s != VmState.Deleted).Select(s => (VmState?)s)];

    private IReadOnlyList<AdminVmDto> _vms = [];
    private IReadOnlyList<Choice> _hostChoices = [Choice.Any("Any host")];
    private IReadOnlyList<Choice> _tenantChoices = [Choice.Any("Any tenant")];
    private VmState? _state;
    private Guid? _hostId;
    private Guid? _tenantId;
    private LiveRefresh? _live;

    [Inject]
    private VmAdministration Vms { get; set; } = default!;

    [Inject]
    private FabricAdministration Fabric { get; set; } = default!;

    [Inject]
    private TenantAdministration Tenants { get; set; } = default!;

    [Inject]
    private IChangeFeed Changes { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "hostId")]
    public Guid? HostQuery { get; set; }

    [SupplyParameterFromQuery(Name = "tenantId")]
    public Guid? TenantQuery { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _hostId = HostQuery;
        _tenantId = TenantQuery;
        (_hostChoices, _tenantChoices) = await ProviderFilterChoices.LoadAsync(Fabric, Tenants, CancellationToken.None);
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _live = LiveRefresh.Start(Changes, ChangeAudience.Provider, c => c.Kind is ChangeKind.VirtualMachine or ChangeKind.Job,
                InvokeAsync, ReloadAsync, DispatchExceptionAsync);
        }
    }

    public void Dispose() => _live?.Dispose();

    private async Task LoadAsync() =>
        _vms = (await Vms.ListAsync(new VmAdministration.Filter(_tenantId, _hostId, _state), ListQuery.First(200), CancellationToken.None)).Items;

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    private async Task FilterAsync(Action set)
    {
        set();
        await LoadAsync();
    }
}
