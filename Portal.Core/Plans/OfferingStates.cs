using Portal.Core.Common;

namespace Portal.Core.Plans;

/// <summary>The transitions plans and add-ons share. Decommissioned can only be left through Reopen.</summary>
internal static class OfferingStates
{
    public static PlanState Publish(PlanState current, string what) => current switch
    {
        PlanState.Private => PlanState.Public,
        PlanState.Public => throw new StateConflictException($"{what} is already public."),
        PlanState.Decommissioned => throw new StateConflictException(
            $"{what} is decommissioned and cannot be published; reopen it first."),
    };

    public static PlanState MakePrivate(PlanState current, string what) => current switch
    {
        PlanState.Public => PlanState.Private,
        PlanState.Private => throw new StateConflictException($"{what} is already private."),
        PlanState.Decommissioned => throw new StateConflictException(
            $"{what} is decommissioned and cannot be made private; reopen it first."),
    };

    public static PlanState Decommission(PlanState current, string what) => current switch
    {
        PlanState.Private or PlanState.Public => PlanState.Decommissioned,
        PlanState.Decommissioned => throw new StateConflictException($"{what} is already decommissioned."),
    };

    // Reopening lands in Private so nothing becomes visible to tenants without a deliberate Publish.
    public static PlanState Reopen(PlanState current, string what) => current switch
    {
        PlanState.Decommissioned => PlanState.Private,
        PlanState.Private or PlanState.Public => throw new StateConflictException(
            $"{what} is not decommissioned, so there is nothing to reopen."),
    };

    public static Eligibility CanUse(PlanState current, bool isAdminAction, string what) => current switch
    {
        PlanState.Public => Eligibility.Allowed,
        PlanState.Private => isAdminAction
            ? Eligibility.Allowed
            : Eligibility.Denied($"{what} is not open to tenants; only the provider can use it."),
        PlanState.Decommissioned => Eligibility.Denied($"{what} has been decommissioned and is no longer offered."),
    };
}
