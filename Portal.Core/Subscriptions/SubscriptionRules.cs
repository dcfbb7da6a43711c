using Portal.Core.Common;
using Portal.Core.Plans;

namespace Portal.Core.Subscriptions;

/// <summary>Rules about who may subscribe to a plan, which need facts beyond one subscription.</summary>
public static class SubscriptionRules
{
    /// <summary>
    /// Throws unless the plan takes this new subscription. Order: plan state, invitation code, per-tenant maximum.
    /// Admins skip the invitation code (it gates self-service sign-up) but not the per-tenant maximum.
    /// <paramref name="existingSubscriptionsOfTenantOnPlan"/> counts the tenant's subscriptions to this plan that
    /// are not Deleted.
    /// </summary>
    /// <exception cref="StateConflictException">Plan is decommissioned, private (for tenants), or the tenant is at the maximum.</exception>
    /// <exception cref="DomainValidationException">Invitation code is missing or wrong (field "InvitationCode").</exception>
    public static void EnsureCanSubscribe(
        Plan plan, string? invitationCode, int existingSubscriptionsOfTenantOnPlan, bool byAdmin)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(existingSubscriptionsOfTenantOnPlan);

        var eligibility = plan.CanSubscribe(byAdmin);
        if (!eligibility.IsAllowed)
        {
            throw new StateConflictException(eligibility.Reason!);
        }

        if (!byAdmin && plan.RequiresInvitation)
        {
            if (string.IsNullOrWhiteSpace(invitationCode))
            {
                throw DomainValidationException.For(nameof(Plan.InvitationCode),
                    $"Plan '{plan.Name}' requires an invitation code.");
            }

            if (!plan.AcceptsInvitation(invitationCode))
            {
                throw DomainValidationException.For(nameof(Plan.InvitationCode),
                    "The invitation code is not valid for this plan.");
            }
        }

        var room = CanHoldAnother(plan.Name, plan.MaxSubscriptionsPerTenant, existingSubscriptionsOfTenantOnPlan);
        if (!room.IsAllowed)
        {
            throw new StateConflictException(room.Reason!);
        }
    }

    /// <summary>
    /// Whether a tenant holding <paramref name="existingSubscriptionsOfTenantOnPlan"/> subscriptions to a plan (not
    /// Deleted) is below the plan's per-account maximum, so pages can say so before the tenant tries.
    /// </summary>
    public static Eligibility CanHoldAnother(string planName, int? maxSubscriptionsPerTenant, int existingSubscriptionsOfTenantOnPlan) =>
        maxSubscriptionsPerTenant is { } max && existingSubscriptionsOfTenantOnPlan >= max
            ? Eligibility.Denied($"Plan '{planName}' allows at most {max} subscription(s) per account; " +
                $"this account already has {existingSubscriptionsOfTenantOnPlan}.")
            : Eligibility.Allowed;
}
