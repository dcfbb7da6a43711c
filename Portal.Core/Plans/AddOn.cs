using Portal.Core.Common;
using Portal.Core.Quotas;

namespace Portal.Core.Plans;

/// <summary>A quota pack linked to plans, which tenants add to their subscriptions.</summary>
public sealed class AddOn : IVersioned
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 2000;
    public const int MaxPerSubscriptionLimit = 1000;

    private readonly List<AddOnPlanLink> _planLinks = [];

    private AddOn()
    {
    }

    public Guid Id { get; private set; }

    public long Version { get; private set; }

    public string Name { get; private set; } = "";

    public string Description { get; private set; } = "";

    /// <summary>What one unit adds to a subscription's quota; a plan's unlimited dimensions stay unlimited.</summary>
    public ResourceAmount Extra { get; private set; } = ResourceAmount.Zero;

    public int MaxPerSubscription { get; private set; }

    public PlanState State { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyCollection<Guid> PlanIds => [.. _planLinks.Select(l => l.PlanId)];

    /// <summary>The linked plans as rows of their own (the database keeps them in a join table).</summary>
    public IReadOnlyCollection<AddOnPlanLink> PlanLinks => _planLinks.AsReadOnly();

    /// <summary>Creates a Private add-on; publish it when tenants may add it.</summary>
    public static AddOn Create(
        string name, string? description, ResourceAmount extra, int maxPerSubscription, DateTimeOffset now)
    {
        var addOn = new AddOn { Id = Guid.CreateVersion7(now), State = PlanState.Private, CreatedAt = now };
        addOn.Update(name, description, extra, maxPerSubscription);
        return addOn;
    }

    /// <summary>Changes the add-on; the new extra applies to subscriptions that already hold it.</summary>
    public void Update(string name, string? description, ResourceAmount extra, int maxPerSubscription)
    {
        ArgumentNullException.ThrowIfNull(extra);
        Name = Guard.Text(name, nameof(Name), 1, NameMaxLength);
        Description = Guard.Text(description, nameof(Description), 0, DescriptionMaxLength);
        Extra = ValidateExtra(extra);
        MaxPerSubscription = Guard.Range(maxPerSubscription, nameof(MaxPerSubscription), 1, MaxPerSubscriptionLimit);
    }

    public bool IsLinkedTo(Guid planId) => _planLinks.Exists(l => l.PlanId == planId);

    /// <summary>Makes the add-on available to subscriptions of a plan; linking twice changes nothing.</summary>
    public void Link(Guid planId)
    {
        if (planId == Guid.Empty)
        {
            throw DomainValidationException.For("PlanId", "A plan is required.");
        }

        if (!IsLinkedTo(planId))
        {
            _planLinks.Add(new AddOnPlanLink(planId));
        }
    }

    /// <summary>Stops new purchases through that plan; subscriptions that hold it keep it.</summary>
    public void Unlink(Guid planId) => _planLinks.RemoveAll(l => l.PlanId == planId);

    public void Publish() => State = OfferingStates.Publish(State, Describe());

    public void MakePrivate() => State = OfferingStates.MakePrivate(State, Describe());

    public void Decommission() => State = OfferingStates.Decommission(State, Describe());

    public void Reopen() => State = OfferingStates.Reopen(State, Describe());

    /// <summary>Tenants may add only Public add-ons, admins Private or Public ones; nobody a Decommissioned one.</summary>
    public Eligibility CanAdd(bool isAdminAction) => OfferingStates.CanUse(State, isAdminAction, Describe());

    private string Describe() => $"Add-on '{Name}'";

    private static ResourceAmount ValidateExtra(ResourceAmount extra)
    {
        Guard.Range(extra.Vms, "ExtraVms", 0, QuotaLimits.MaxLimit);
        Guard.Range(extra.Vcpus, "ExtraVcpus", 0, QuotaLimits.MaxLimit);
        Guard.Range(extra.MemoryGiB, "ExtraMemoryGiB", 0, QuotaLimits.MaxLimit);
        Guard.Range(extra.StorageGiB, "ExtraStorageGiB", 0, QuotaLimits.MaxLimit);
        return extra.IsZero
            ? throw DomainValidationException.For(nameof(Extra), "An add-on must add at least one resource.")
            : extra;
    }
}
