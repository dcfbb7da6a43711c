using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>The tenant's VMs, kept current by the tenant's change feed (VM and job changes).</summary>
public partial class VmListPage
{
    private IReadOnlyList<VmDto> _vms = [];
    private int _loads;
    private Guid _tenantId;
    private LiveRefresh? _live;

    [Inject]
    private VmService Vms { get; set; } = default!;

    [Inject]
    private IChangeFeed Changes { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _tenantId = (await AuthenticationState.GetAuthenticationStateAsync()).User.GetRequiredTenantId();
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _live = LiveRefresh.Start(Changes, ChangeAudience.Tenant(_tenantId),
                c => c.Kind is ChangeKind.VirtualMachine or ChangeKind.Job,
                InvokeAsync, ReloadAsync, DispatchExceptionAsync);
        }
    }

    public void Dispose() => _live?.Dispose();

    private async Task LoadAsync()
    {
        // Overlapping reloads: only the latest one started is shown, so an older read never wins by finishing last.
        var load = ++_loads;
        var vms = await Vms.ListAsync(_tenantId, subscriptionId: null, CancellationToken.None);
        if (load == _loads)
        {
            _vms = vms;
        }
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }
}
