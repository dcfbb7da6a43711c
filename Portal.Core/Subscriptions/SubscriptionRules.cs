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

        if (plan.MaxSubscriptionsPerTenant is { } max && existingSubscriptionsOfTenantOnPlan >= max)
        {
            throw new StateConflictException(
                $"Plan '{plan.Name}' allows at most {max} subscription(s) per account; " +
                $"this account already has {existingSubscriptionsOfTenantOnPlan}.");
        }
    }
}
