using Portal.Web.Infrastructure.Paging;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Jobs;
using Portal.Web.Components.Controls;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Tenants;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.Jobs;

/// <summary>The provider's job monitor: filter by state, host and tenant; restart a failed job, cancel a waiting one.</summary>
public partial class AdminJobsPage
{
    private static readonly IReadOnlyList<JobState?> StateChoices = [null, .. Enum.GetValues<JobState>().Select(s => (JobState?)s)];

    private IReadOnlyList<AdminJobDto> _jobs = [];
    private IReadOnlyList<Choice> _hostChoices = [Choice.Any("Any host")];
    private IReadOnlyList<Choice> _tenantChoices = [Choice.Any("Any tenant")];
    private JobState? _state;
    private Guid? _hostId;
    private Guid? _tenantId;
    private AuditActor _actor = AuditActor.System;
    private PageActions _actions = default!;
    private LiveRefresh? _live;

    [Inject]
    private JobAdministration Jobs { get; set; } = default!;

    [Inject]
    private FabricAdministration Fabric { get; set; } = default!;

    [Inject]
    private TenantAdministration Tenants { get; set; } = default!;

    [Inject]
    private IChangeFeed Changes { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "state")]
    public string? StateQuery { get; set; }

    [SupplyParameterFromQuery(Name = "hostId")]
    public Guid? HostQuery { get; set; }

    [SupplyParameterFromQuery(Name = "tenantId")]
    public Guid? TenantQuery { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _actions = new PageActions(Dialogs);
        _actor = await CurrentActor.GetAsync();
        _state = Enum.TryParse<JobState>(StateQuery, ignoreCase: true, out var state) ? state : null;
        _hostId = HostQuery;
        _tenantId = TenantQuery;
        (_hostChoices, _tenantChoices) = await ProviderFilterChoices.LoadAsync(Fabric, Tenants, CancellationToken.None);
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _live = LiveRefresh.Start(Changes, ChangeAudience.Provider, c => c.Kind is ChangeKind.Job or ChangeKind.VirtualMachine,
                InvokeAsync, ReloadAsync, DispatchExceptionAsync);
        }
    }

    public void Dispose() => _live?.Dispose();

    private async Task LoadAsync() =>
        _jobs = (await Jobs.ListAsync(new JobAdministration.Filter(_state, _hostId, _tenantId), ListQuery.First(100), CancellationToken.None)).Items;

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

    private async Task RestartAsync(AdminJobDto job)
    {
        await _actions.RunAsync(async () =>
        {
            await Jobs.RestartAsync(job.Job.Id, _actor, CancellationToken.None);
            return $"The {StateBadges.Words(job.Job.Type).ToLowerInvariant()} job of '{job.Job.VmName}' was queued again.";
        }, new Confirmation("Restart this job?",
            $"The {StateBadges.Words(job.Job.Type).ToLowerInvariant()} job of '{job.Job.VmName}' ({job.TenantName}) is queued again with fresh attempts; its steps start over.",
            "Restart"));
        await LoadAsync();
    }

    private async Task CancelAsync(AdminJobDto job)
    {
        await _actions.RunAsync(async () =>
        {
            await Jobs.CancelAsync(job.Job.Id, _actor, CancellationToken.None);
            return $"The {StateBadges.Words(job.Job.Type).ToLowerInvariant()} job of '{job.Job.VmName}' was cancelled.";
        }, new Confirmation("Cancel this job?",
            $"The {StateBadges.Words(job.Job.Type).ToLowerInvariant()} job of '{job.Job.VmName}' ({job.TenantName}) will not run.",
            "Cancel job"));
        await LoadAsync();
    }
}

/// <summary>One entry of a filter list; a null id means "any".</summary>
public sealed record Choice(Guid? Id, string Text)
{
    public static Choice Any(string text) => new(null, text);
}
