using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Subscriptions;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Dashboard;

public partial class Dashboard
{
    private string _displayName = "";
    private TenantSummary? _summary;
    private IReadOnlyList<SubscriptionDto> _subscriptions = [];

    [Inject]
    private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IDbContextFactory<PortalDbContext> DbFactory { get; set; } = default!;

    [Inject]
    private SubscriptionService Subscriptions { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState.GetAuthenticationStateAsync()).User;
        if (user.GetTenantId() is not { } tenantId)
        {
            // The hoster's admins have no tenant account; their home is the provider overview.
            if (user.IsInRole(Roles.ProviderAdmin))
            {
                Navigation.NavigateTo("/admin");
            }

            return;
        }

        _displayName = user.GetDisplayName();
        _summary = await TenantSummary.ReadAsync(DbFactory, tenantId, user.GetUserId(), Time.GetUtcNow(), CancellationToken.None);
        _subscriptions = [.. (await Subscriptions.ListForTenantAsync(tenantId, CancellationToken.None))
            .Where(s => s.State != SubscriptionState.Deleted)];
    }
}
