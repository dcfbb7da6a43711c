using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Subscriptions;
using Portal.Web.Components.Controls;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Subscriptions;

public partial class AdminSubscriptionsPage
{
    private const int PageSize = 25;

    private IQueryable<SubscriptionDto> _subscriptions = Enumerable.Empty<SubscriptionDto>().AsQueryable();
    private IReadOnlyList<TenantSummaryDto> _tenants = [];
    private IReadOnlyList<PlanDto> _plans = [];
    private Guid? _tenantId;
    private Guid? _planId;
    private string? _displayName;
    private int _pageNumber = 1;
    private int _total;
    private string? _message;
    private bool _messageIsError;
    private AuditActor _actor = AuditActor.System;

    private enum SubscriptionAction
    {
        Suspend,
        Resume,
        Cancel,
    }

    [Inject]
    private SubscriptionService Subscriptions { get; set; } = default!;

    [Inject]
    private TenantAdministration Tenants { get; set; } = default!;

    [Inject]
    private PlanService Plans { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    private int PageCount => Math.Max(1, (_total + PageSize - 1) / PageSize);

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        _tenants = (await Tenants.ListAsync(null, 1, 200, CancellationToken.None)).Items;
        _plans = [.. (await Plans.ListAsync(CancellationToken.None)).Where(p => p.State != PlanState.Decommissioned)];
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var page = await Subscriptions.ListAsync(null, null, null, _pageNumber, PageSize, CancellationToken.None);
        _subscriptions = page.Items.AsQueryable();
        _total = page.Total;
    }

    private async Task GoToAsync(int page)
    {
        _pageNumber = Math.Clamp(page, 1, PageCount);
        await LoadAsync();
    }

    private async Task CreateAsync()
    {
        if (_tenantId is not { } tenantId || _planId is not { } planId)
        {
            return;
        }

        await RunAsync(async () =>
        {
            var created = await Subscriptions.CreateForTenantAsync(
                new AdminSubscribeRequest(tenantId, planId, _displayName), _actor, CancellationToken.None);
            _displayName = null;
            return $"'{created.TenantName}' is now subscribed to {created.PlanName}.";
        });
    }

    private async Task ChangeAsync(SubscriptionDto subscription, SubscriptionAction action)
    {
        if (action is SubscriptionAction.Suspend or SubscriptionAction.Cancel)
        {
            var (title, message, button) = action == SubscriptionAction.Suspend
                ? ("Suspend this subscription?", $"'{subscription.DisplayName}' of {subscription.TenantName} keeps its VMs but cannot create new ones.", "Suspend")
                : ("Cancel this subscription?", $"'{subscription.DisplayName}' of {subscription.TenantName} ends for good.", "Cancel subscription");
            var answer = await Dialogs.ConfirmAsync(title, message, button, "Keep it");
            if (answer.Cancelled)
            {
                return;
            }
        }

        await RunAsync(async () =>
        {
            var changed = action switch
            {
                SubscriptionAction.Suspend => await Subscriptions.SuspendAsync(subscription.Id, _actor, CancellationToken.None),
                SubscriptionAction.Resume => await Subscriptions.ResumeAsync(subscription.Id, _actor, CancellationToken.None),
                SubscriptionAction.Cancel => await Subscriptions.CancelAsync(subscription.Id, _actor, CancellationToken.None),
            };
            return $"'{changed.DisplayName}' is now {changed.State}.";
        });
    }

    private async Task RunAsync(Func<Task<string>> action)
    {
        try
        {
            _message = await action();
            _messageIsError = false;
        }
        catch (DomainException e)
        {
            _message = e is DomainValidationException v ? string.Join(" ", v.Errors.Values.SelectMany(m => m)) : e.Message;
            _messageIsError = true;
        }

        await LoadAsync();
    }

    private static BadgeColor StateColor(SubscriptionState state) => state switch
    {
        SubscriptionState.Active => BadgeColor.Success,
        SubscriptionState.Suspended => BadgeColor.Warning,
        SubscriptionState.Deleted => BadgeColor.Subtle,
    };
}
