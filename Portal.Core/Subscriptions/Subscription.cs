using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;

namespace Portal.Core.Subscriptions;

/// <summary>A tenant account's use of one plan, plus the add-ons it holds.</summary>
public sealed class Subscription : IVersioned
{
    public const int DisplayNameMaxLength = 100;

    private readonly List<SubscriptionAddOn> _addOns = [];

    private Subscription()
    {
    }

    public Guid Id { get; private set; }

    public long Version { get; private set; }

    public Guid TenantId { get; private set; }

    public Guid PlanId { get; private set; }

    public string DisplayName { get; private set; } = "";

    public SubscriptionState State { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset StateChangedAt { get; private set; }

    public IReadOnlyCollection<SubscriptionAddOn> AddOns => _addOns.AsReadOnly();

    /// <summary>
    /// Creates an Active subscription. Call <see cref="SubscriptionRules.EnsureCanSubscribe"/> first: whether the
    /// tenant may subscribe depends on the plan and on the tenant's other subscriptions.
    /// </summary>
    public static Subscription Create(Guid tenantId, Guid planId, string displayName, DateTimeOffset now)
    {
        if (tenantId == Guid.Empty)
        {
            throw DomainValidationException.For(nameof(TenantId), "A tenant account is required.");
        }

        if (planId == Guid.Empty)
        {
            throw DomainValidationException.For(nameof(PlanId), "A plan is required.");
        }

        return new Subscription
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenantId,
            PlanId = planId,
            DisplayName = Guard.Text(displayName, nameof(DisplayName), 1, DisplayNameMaxLength),
            State = SubscriptionState.Active,
            CreatedAt = now,
            StateChangedAt = now,
        };
    }

    public void Rename(string displayName)
    {
        EnsureNotDeleted();
        DisplayName = Guard.Text(displayName, nameof(DisplayName), 1, DisplayNameMaxLength);
    }

    public void Suspend(DateTimeOffset now)
    {
        State = State switch
        {
            SubscriptionState.Active => SubscriptionState.Suspended,
            SubscriptionState.Suspended => throw new StateConflictException(
                $"Subscription '{DisplayName}' is already suspended."),
            SubscriptionState.Deleted => throw new StateConflictException(
                $"Subscription '{DisplayName}' has been deleted and cannot be suspended."),
        };
        StateChangedAt = now;
    }

    public void Resume(DateTimeOffset now)
    {
        State = State switch
        {
            SubscriptionState.Suspended => SubscriptionState.Active,
            SubscriptionState.Active => throw new StateConflictException(
                $"Subscription '{DisplayName}' is not suspended."),
            SubscriptionState.Deleted => throw new StateConflictException(
                $"Subscription '{DisplayName}' has been deleted and cannot be resumed."),
        };
        StateChangedAt = now;
    }

    /// <summary>
    /// Deletes the subscription for good (from Active or Suspended); refused while <paramref name="liveVms"/> VMs
    /// live in it, so no VM is left without a subscription.
    /// </summary>
    public void Cancel(int liveVms, DateTimeOffset now)
    {
        if (liveVms > 0)
        {
            throw new StateConflictException(
                $"Subscription '{DisplayName}' still has {liveVms} VM(s); delete them before cancelling it.");
        }

        State = State switch
        {
            SubscriptionState.Active or SubscriptionState.Suspended => SubscriptionState.Deleted,
            SubscriptionState.Deleted => throw new StateConflictException(
                $"Subscription '{DisplayName}' has already been deleted."),
        };
        StateChangedAt = now;
    }

    /// <summary>Refuses anything that creates or starts resources unless the subscription is Active.</summary>
    public void EnsureActive()
    {
        var problem = State switch
        {
            SubscriptionState.Active => null,
            SubscriptionState.Suspended => $"Subscription '{DisplayName}' is suspended; ask your provider to resume it.",
            SubscriptionState.Deleted => $"Subscription '{DisplayName}' has been deleted.",
        };
        if (problem is not null)
        {
            throw new StateConflictException(problem);
        }
    }

    public int AddOnCount(Guid addOnId) => _addOns.Find(a => a.AddOnId == addOnId)?.Count ?? 0;

    /// <summary>
    /// Adds one unit of <paramref name="addOn"/>. It must be linked to this subscription's plan, open to the caller
    /// (tenants: Public; admins: Private or Public) and below its per-subscription maximum.
    /// </summary>
    public void AddAddOn(AddOn addOn, DateTimeOffset now, bool byAdmin = false)
    {
        ArgumentNullException.ThrowIfNull(addOn);
        EnsureActive();

        var eligibility = addOn.CanAdd(byAdmin);
        if (!eligibility.IsAllowed)
        {
            throw new StateConflictException(eligibility.Reason!);
        }

        if (!addOn.IsLinkedTo(PlanId))
        {
            throw new StateConflictException(
                $"Add-on '{addOn.Name}' is not offered with this subscription's plan.");
        }

        var existing = _addOns.Find(a => a.AddOnId == addOn.Id);
        var count = existing?.Count ?? 0;
        if (count >= addOn.MaxPerSubscription)
        {
            throw new StateConflictException(
                $"Add-on '{addOn.Name}' can be added at most {addOn.MaxPerSubscription} time(s) per subscription; " +
                $"subscription '{DisplayName}' already has {count}.");
        }

        if (existing is null)
        {
            _addOns.Add(SubscriptionAddOn.Create(addOn.Id, now));
        }
        else
        {
            existing.Increment(now);
        }
    }

    /// <summary>
    /// Removes one unit of an add-on. Callers should check that current usage still fits the lower quota;
    /// if it does not, existing VMs keep running and new requests are refused.
    /// </summary>
    public void RemoveAddOn(Guid addOnId, DateTimeOffset now)
    {
        EnsureNotDeleted();
        var existing = _addOns.Find(a => a.AddOnId == addOnId)
            ?? throw new NotFoundException("Add-on", addOnId);
        existing.Decrement(now);
        if (existing.Count == 0)
        {
            _addOns.Remove(existing);
        }
    }

    /// <summary>
    /// The plan's quota raised by each held add-on times its count. Add-ons count even after they are
    /// decommissioned or unlinked: those only stop new purchases.
    /// </summary>
    public QuotaLimits EffectiveQuota(Plan plan, IReadOnlyDictionary<Guid, AddOn> addOns)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(addOns);
        if (plan.Id != PlanId)
        {
            throw new ArgumentException($"Plan {plan.Id} is not this subscription's plan ({PlanId}).", nameof(plan));
        }

        var quota = plan.Quota;
        foreach (var held in _addOns)
        {
            if (!addOns.TryGetValue(held.AddOnId, out var addOn))
            {
                throw new ArgumentException($"Add-on {held.AddOnId} held by the subscription was not supplied.", nameof(addOns));
            }

            quota = quota.Plus(addOn.Extra.Scale(held.Count));
        }

        return quota;
    }

    private void EnsureNotDeleted()
    {
        if (State == SubscriptionState.Deleted)
        {
            throw new StateConflictException($"Subscription '{DisplayName}' has been deleted.");
        }
    }
}
