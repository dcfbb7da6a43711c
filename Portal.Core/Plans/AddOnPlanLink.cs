namespace Portal.Core.Plans;

/// <summary>One plan whose subscriptions may add an add-on.</summary>
public sealed class AddOnPlanLink
{
    internal AddOnPlanLink(Guid planId)
    {
        PlanId = planId;
    }

    public Guid PlanId { get; private set; }
}
