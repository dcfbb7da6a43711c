using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Fabric;
using Portal.Web.Components.Controls;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.Fabric;

/// <summary>
/// The provider's view of the guarded hosts. Refreshes itself when a host attests, changes state or reports new figures
/// (through <see cref="IChangeFeed"/>), and every few seconds, which also brings the latest heartbeats: a beat that
/// changes nothing else is not announced.
/// </summary>
public partial class FabricPage
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);

    private List<FabricHostDto> _hosts = [];
    private IssuedJoinToken? _issued;
    private string? _message;
    private bool _messageIsError;
    private AuditActor _actor = AuditActor.System;
    private IDisposable? _subscription;
    private ITimer? _timer;
    private int _reloading;

    [Inject]
    private FabricAdministration Fabric { get; set; } = default!;

    [Inject]
    private IChangeFeed Changes { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _subscription = Changes.Subscribe(ChangeAudience.Provider, OnChange);
            _timer = Time.CreateTimer(_ => RequestReload(), null, Tick, Tick);
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _timer?.Dispose();
    }

    private bool IsResponding(FabricHostDto host) =>
        host.LastHeartbeatAt is { } at && Time.GetUtcNow() - at <= Fabric.StaleAfter;

    private async Task LoadAsync() => _hosts = [.. await Fabric.ListAsync(includeRemoved: false, CancellationToken.None)];

    // Called on the heartbeat's thread: hand the work to the circuit and return at once, so a slow browser never
    // slows a host's heartbeat. Changes arriving during a reload are picked up by it or by the next one.
    private Task OnChange(PortalChange change)
    {
        if (change.Kind is ChangeKind.Host or ChangeKind.Resync)
        {
            RequestReload();
        }

        return Task.CompletedTask;
    }

    private void RequestReload()
    {
        if (Interlocked.Exchange(ref _reloading, 1) == 0)
        {
            _ = InvokeAsync(ReloadAsync);
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            Interlocked.Exchange(ref _reloading, 0);
            await LoadAsync();
            StateHasChanged();
        }
        catch (Exception e)
        {
            // Nobody awaits this reload: hand the failure to the circuit so it shows, like one in a lifecycle method.
            await DispatchExceptionAsync(e);
        }
    }

    private async Task CreateJoinTokenAsync()
    {
        try
        {
            _issued = await Fabric.IssueJoinTokenAsync(
                (int)HostJoinToken.DefaultLifetime.TotalHours, new Uri(Navigation.BaseUri), _actor, CancellationToken.None);
            _message = null;
        }
        catch (DomainException e)
        {
            _message = e.Message;
            _messageIsError = true;
        }
    }

    private async Task ApplyAsync(FabricHostDto host, FabricAdministration.HostAction action)
    {
        var (title, message, button) = action switch
        {
            FabricAdministration.HostAction.Drain => ("Drain this host?",
                $"'{host.Name}' keeps running its {host.VmCount} VM(s), but gets no new ones.", "Drain"),
            FabricAdministration.HostAction.Maintenance => ("Put this host in maintenance?",
                $"'{host.Name}' gets no work until it is resumed.", "Maintenance"),
            FabricAdministration.HostAction.Resume => ("Resume this host?", $"'{host.Name}' can receive new VMs again.", "Resume"),
            FabricAdministration.HostAction.Remove => ("Remove this host from the fabric?",
                $"'{host.Name}' is removed for good: its credential stops working at once and its agent stops. "
                + "To bring it back, join it again with a new token.", "Remove"),
        };
        var answer = await Dialogs.ConfirmAsync(title, message, button);
        if (answer.Cancelled)
        {
            return;
        }

        try
        {
            var changed = await Fabric.ApplyAsync(host.Id, action, _actor, CancellationToken.None);
            _message = action == FabricAdministration.HostAction.Remove
                ? $"Host '{host.Name}' was removed from the fabric."
                : $"Host '{host.Name}' is now {changed.State}.";
            _messageIsError = false;
        }
        catch (DomainException e)
        {
            _message = e.Message;
            _messageIsError = true;
        }

        await LoadAsync();
    }

    private static BadgeColor StateColor(HostState state) => state switch
    {
        HostState.Active => BadgeColor.Success,
        HostState.Pending => BadgeColor.Informative,
        HostState.Draining or HostState.Maintenance => BadgeColor.Warning,
        HostState.Removed => BadgeColor.Subtle,
    };
}
