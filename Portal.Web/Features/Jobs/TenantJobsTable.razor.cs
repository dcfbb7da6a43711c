using Microsoft.AspNetCore.Components;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.Jobs;

public partial class TenantJobsTable
{
    private IReadOnlyList<JobDto> _jobs = [];
    private LiveRefresh? _live;

    [Parameter, EditorRequired]
    public Guid TenantId { get; set; }

    [Parameter]
    public int Take { get; set; } = 50;

    [Inject]
    private JobService Jobs { get; set; } = default!;

    [Inject]
    private IChangeFeed Changes { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _live = LiveRefresh.Start(Changes, ChangeAudience.Tenant(TenantId), c => c.Kind == ChangeKind.Job,
                InvokeAsync, ReloadAsync, DispatchExceptionAsync);
        }
    }

    public void Dispose() => _live?.Dispose();

    private async Task LoadAsync() => _jobs = await Jobs.ListAsync(TenantId, state: null, Take, CancellationToken.None);

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }
}
