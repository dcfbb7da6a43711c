using Portal.Web.Infrastructure.Paging;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Portal.Web.Features.Audit;

public partial class AuditTable
{
    private const int PageSize = 50;

    private IQueryable<AuditEntryDto> _entries = Enumerable.Empty<AuditEntryDto>().AsQueryable();
    private string? _search;
    private int _page = 1;
    private int _total;

    [Inject]
    private AuditLog Log { get; set; } = default!;

    /// <summary>Only this tenant's entries, as the tenant may see them; null shows everyone's (the provider's view).</summary>
    [Parameter]
    public Guid? TenantId { get; set; }

    [Parameter]
    public bool ShowTenant { get; set; }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task SearchAsync(string? search)
    {
        _search = search;
        _page = 1;
        await LoadAsync();
    }

    private async Task GoToAsync(int page)
    {
        _page = page;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = TenantId is { } tenantId
            ? await Log.ReadForTenantAsync(tenantId, _search, ListQuery.ForPage(_page, PageSize), CancellationToken.None)
            : await Log.ReadAsync(new AuditFilter(_search, null, _page, PageSize), CancellationToken.None);
        _entries = result.Items.AsQueryable();
        _total = result.Total;
    }

    // Colour says what kind of act it was: removals and refusals stand out from ordinary changes.
    private static BadgeColor ActionColor(string action) =>
        action.EndsWith(".deleted", StringComparison.Ordinal) || action.EndsWith(".revoked", StringComparison.Ordinal)
            || action.EndsWith(".removed", StringComparison.Ordinal) ? BadgeColor.Danger
        : action.EndsWith(".suspended", StringComparison.Ordinal) || action.EndsWith(".cancelled", StringComparison.Ordinal)
            ? BadgeColor.Warning
        : BadgeColor.Informative;
}
