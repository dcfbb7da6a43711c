using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;
using Portal.Web.Components.Controls;
using Portal.Web.Features.Jobs;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>One of the tenant's VMs: its facts, its actions, its job's steps as they happen, and its job history.</summary>
public partial class VmDetailsPage
{
    private VmDto? _vm;
    private IReadOnlyList<JobDto> _jobs = [];
    private JobDto? _shownJob;
    private bool _notFound;
    private int _loads;
    private Guid _tenantId;
    private AuditActor _actor = AuditActor.System;
    private PageActions _actions = default!;
    private LiveRefresh? _live;
    private bool _consoleOpen;
    private int _consoleOpenings;

    [Parameter]
    public Guid Id { get; set; }

    [Inject]
    private VmService Vms { get; set; } = default!;

    [Inject]
    private IChangeFeed Changes { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actions = new PageActions(Dialogs);
        _tenantId = (await AuthenticationState.GetAuthenticationStateAsync()).User.GetRequiredTenantId();
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            // A new job's id is not known before it exists, so every job change of this tenant reloads; VM changes only this VM's.
            _live = LiveRefresh.Start(Changes, ChangeAudience.Tenant(_tenantId),
                c => c.Kind == ChangeKind.Job || (c.Kind == ChangeKind.VirtualMachine && c.Id == Id),
                InvokeAsync, ReloadAsync, DispatchExceptionAsync);
        }
    }

    public void Dispose() => _live?.Dispose();

    private async Task LoadAsync()
    {
        // Loads overlap (a live reload while an action's own reload is under way): only the latest one started is shown,
        // so an older read finishing last never brings back a state the VM has left.
        var load = ++_loads;
        VmDto? vm;
        IReadOnlyList<JobDto> jobs;
        try
        {
            vm = await Vms.GetAsync(_tenantId, Id, CancellationToken.None);
            jobs = await Vms.JobsAsync(_tenantId, Id, CancellationToken.None);
        }
        catch (NotFoundException)
        {
            // Unknown, another tenant's, or deleted: all read the same.
            vm = null;
            jobs = [];
        }

        if (load != _loads)
        {
            return;
        }

        (_vm, _jobs, _notFound) = (vm, jobs, vm is null);

        // The unfinished job, else the latest one when it failed, so its reason stays in view.
        var latest = _jobs.Count > 0 ? _jobs[0] : null;
        _shownJob = _jobs.FirstOrDefault(j => !j.State.IsFinished()) ?? (latest is { State: JobState.Failed } ? latest : null);
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    private async Task RequestAsync(JobType type)
    {
        if (_vm is not { } vm)
        {
            return;
        }

        var confirm = type switch
        {
            JobType.TurnOff => new Confirmation("Turn off this VM?",
                $"'{vm.Name}' is switched off at once, like pulling the plug: unsaved work in it is lost.", "Turn off"),
            JobType.Restart => new Confirmation("Restart this VM?",
                $"'{vm.Name}' restarts: whoever is connected to it is disconnected.", "Restart"),
            JobType.Delete => new Confirmation("Delete this VM?",
                $"'{vm.Name}' and its disk are deleted for good; its quota is released. This cannot be undone.", "Delete"),
            JobType.Create or JobType.Start or JobType.ShutDown => null,
        };
        await _actions.RunAsync(async () =>
        {
            await Vms.RequestAsync(_tenantId, vm.Id, type, _actor, CancellationToken.None);
            return $"{StateBadges.Words(type)} of '{vm.Name}' was requested; its steps show below as they happen.";
        }, confirm);
        await LoadAsync();
    }

    /// <summary>Shows the console panel (a fresh connection each time it is shown) or hides it, which disconnects.</summary>
    private void ToggleConsole()
    {
        _consoleOpen = !_consoleOpen;
        if (_consoleOpen)
        {
            _consoleOpenings++;
        }
    }

    private static string PolicyText(ShieldingPolicy? policy) => policy switch
    {
        ShieldingPolicy.Shielded => "Shielded (policy Shielded): encrypted, runs only on attested hosts, no console",
        ShieldingPolicy.EncryptionSupported => "Shielded (policy Encryption supported): encrypted, runs only on attested hosts",
        _ => "Shielded",
    };
}
