using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;
using Portal.Data;
using Portal.Web.Features.Plans;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Subscriptions;

public partial class SubscriptionsPage
{
    // One object per subscription: a select binds to its property, since binding cannot evaluate a dictionary index.
    private readonly Dictionary<Guid, AddOnChoice> _addOnChoices = [];
    private IReadOnlyList<SubscriptionDto> _subscriptions = [];
    private IReadOnlyList<PublicPlanDto> _plans = [];
    private Dictionary<Guid, int> _heldByPlan = [];
    private PublicPlanDto? _subscribing;
    private string? _displayName;
    private string? _invitationCode;
    private string? _displayNameError;
    private string? _invitationError;
    private string? _message;
    private bool _messageIsError;
    private bool _suspended;
    private Guid _tenantId;
    private AuditActor _actor = AuditActor.System;

    [Inject]
    private SubscriptionService Subscriptions { get; set; } = default!;

    [Inject]
    private PlanCatalog Catalog { get; set; } = default!;

    [Inject]
    private IDbContextFactory<PortalDbContext> DbFactory { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState.GetAuthenticationStateAsync()).User;
        _tenantId = user.GetRequiredTenantId();
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == _tenantId);
            _suspended = tenant.State == TenantState.Suspended;
        }

        _subscriptions = await Subscriptions.ListForTenantAsync(_tenantId, CancellationToken.None);
        _heldByPlan = _subscriptions.CountBy(s => s.PlanId).ToDictionary();
        _plans = await Catalog.ListPublicAsync(CancellationToken.None);
    }

    private int HeldCount(PublicPlanDto plan) => _heldByPlan.GetValueOrDefault(plan.Id);

    private Eligibility RoomFor(PublicPlanDto plan) =>
        SubscriptionRules.CanHoldAnother(plan.Name, plan.MaxSubscriptionsPerTenant, HeldCount(plan));

    private void StartSubscribe(PublicPlanDto plan)
    {
        _subscribing = plan;
        _displayName = null;
        _invitationCode = null;
        _displayNameError = null;
        _invitationError = null;
        _message = null;
    }

    private async Task SubscribeAsync()
    {
        if (_subscribing is not { } plan)
        {
            return;
        }

        _displayNameError = null;
        _invitationError = null;
        try
        {
            var created = await Subscriptions.SubscribeAsync(
                _tenantId, new SubscribeRequest(plan.Id, _displayName, _invitationCode), _actor, CancellationToken.None);
            _subscribing = null;
            Show($"You are now subscribed to {plan.Name} as '{created.DisplayName}'.", isError: false);
            await LoadAsync();
        }
        catch (DomainValidationException e)
        {
            _invitationError = Errors(e, nameof(SubscribeRequest.InvitationCode));
            _displayNameError = Errors(e, nameof(SubscribeRequest.DisplayName));
            if (_invitationError is null && _displayNameError is null)
            {
                Show(string.Join(" ", e.Errors.Values.SelectMany(m => m)), isError: true);
            }
        }
        catch (DomainException e)
        {
            Show(e.Message, isError: true);
            await LoadAsync();
        }
    }

    private async Task AddAddOnAsync(SubscriptionDto subscription)
    {
        var choice = AddOnChoiceFor(subscription);
        if (choice.AddOnId is not { } addOnId)
        {
            return;
        }

        try
        {
            await Subscriptions.AddAddOnForTenantAsync(_tenantId, subscription.Id, addOnId, _actor, CancellationToken.None);
            choice.AddOnId = null;
            Show($"The add-on was added to '{subscription.DisplayName}'. Your new limits apply at once.", isError: false);
        }
        catch (DomainException e)
        {
            Show(e is DomainValidationException v ? string.Join(" ", v.Errors.Values.SelectMany(m => m)) : e.Message, isError: true);
        }

        await LoadAsync();
    }

    private AddOnChoice AddOnChoiceFor(SubscriptionDto subscription)
    {
        if (!_addOnChoices.TryGetValue(subscription.Id, out var choice))
        {
            choice = new AddOnChoice();
            _addOnChoices.Add(subscription.Id, choice);
        }

        return choice;
    }

    private void Show(string message, bool isError)
    {
        _message = message;
        _messageIsError = isError;
    }

    private static string? Errors(DomainValidationException e, string field) =>
        e.Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    // axe cannot see the disabled state Fluent keeps in ElementInternals, and would measure the greyed text's contrast.
    private static string? AriaDisabled(bool disabled) => disabled ? "true" : null;

    private static string Limit(int? value, string unit = "") => value is { } v ? $"{v}{unit}" : "unlimited";

    private static string Describe(ResourceAmount extra) => string.Join(", ", new[]
    {
        extra.Vms > 0 ? $"+{extra.Vms} VMs" : null,
        extra.Vcpus > 0 ? $"+{extra.Vcpus} vCPUs" : null,
        extra.MemoryGiB > 0 ? $"+{extra.MemoryGiB} GiB memory" : null,
        extra.StorageGiB > 0 ? $"+{extra.StorageGiB} GiB storage" : null,
    }.Where(s => s is not null));

    private static BadgeColor StateColor(SubscriptionState state) => state switch
    {
        SubscriptionState.Active => BadgeColor.Success,
        SubscriptionState.Suspended => BadgeColor.Warning,
        SubscriptionState.Deleted => BadgeColor.Subtle,
    };

    private sealed class AddOnChoice
    {
        public Guid? AddOnId { get; set; }
    }
}
