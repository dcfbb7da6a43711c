using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;

namespace Portal.Core.Tests.Subscriptions;

public class SubscriptionRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static Plan PublicPlan(string? invitationCode = null, int? maxPerTenant = null)
    {
        var plan = Plan.Create("Gold", null, QuotaLimits.Unlimited, true, invitationCode, maxPerTenant, Now);
        plan.Publish();
        return plan;
    }

    [Fact]
    public void EnsureCanSubscribe_PublicPlanNoCodeNoLimit_Passes()
    {
        var ex = Record.Exception(() => SubscriptionRules.EnsureCanSubscribe(PublicPlan(), null, 5, byAdmin: false));

        Assert.Null(ex);
    }

    [Fact]
    public void EnsureCanSubscribe_PrivatePlanByTenant_IsRefused()
    {
        var plan = PublicPlan();
        plan.MakePrivate();

        var ex = Assert.Throws<StateConflictException>(() => SubscriptionRules.EnsureCanSubscribe(plan, null, 0, byAdmin: false));

        Assert.Equal("Plan 'Gold' is not open to tenants; only the provider can use it.", ex.Message);
    }

    [Fact]
    public void EnsureCanSubscribe_PrivatePlanByAdmin_Passes()
    {
        var plan = PublicPlan();
        plan.MakePrivate();

        Assert.Null(Record.Exception(() => SubscriptionRules.EnsureCanSubscribe(plan, null, 0, byAdmin: true)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EnsureCanSubscribe_DecommissionedPlan_IsRefusedForEveryone(bool byAdmin)
    {
        var plan = PublicPlan();
        plan.Decommission();

        var ex = Assert.Throws<StateConflictException>(() => SubscriptionRules.EnsureCanSubscribe(plan, null, 0, byAdmin));

        Assert.Equal("Plan 'Gold' has been decommissioned and is no longer offered.", ex.Message);
    }

    [Fact]
    public void EnsureCanSubscribe_RightInvitationCode_Passes()
    {
        Assert.Null(Record.Exception(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan("GOLD-2025"), "GOLD-2025", 0, byAdmin: false)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void EnsureCanSubscribe_MissingInvitationCode_NamesInvitationCode(string? code)
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan("GOLD-2025"), code, 0, byAdmin: false));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("InvitationCode", error.Key);
        Assert.Equal(["Plan 'Gold' requires an invitation code."], error.Value);
    }

    [Fact]
    public void EnsureCanSubscribe_WrongInvitationCode_NamesInvitationCode()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan("GOLD-2025"), "SILVER-2025", 0, byAdmin: false));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("InvitationCode", error.Key);
        Assert.Equal(["The invitation code is not valid for this plan."], error.Value);
    }

    // Decision: the invitation code gates self-service sign-up; a provider admin subscribing a tenant skips it.
    [Fact]
    public void EnsureCanSubscribe_AdminWithoutInvitationCode_Passes()
    {
        Assert.Null(Record.Exception(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan("GOLD-2025"), null, 0, byAdmin: true)));
    }

    [Fact]
    public void EnsureCanSubscribe_BelowMaxSubscriptions_Passes()
    {
        Assert.Null(Record.Exception(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan(maxPerTenant: 2), null, 1, byAdmin: false)));
    }

    [Fact]
    public void EnsureCanSubscribe_MaxSubscriptionsReached_IsRefusedWithNumbers()
    {
        var ex = Assert.Throws<StateConflictException>(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan(maxPerTenant: 2), null, 2, byAdmin: false));

        Assert.Equal("Plan 'Gold' allows at most 2 subscription(s) per account; this account already has 2.", ex.Message);
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    public void CanHoldAnother_BelowMaximumOrUnlimited_IsAllowed(int? max, int existing)
    {
        Assert.Equal(Eligibility.Allowed, SubscriptionRules.CanHoldAnother("Gold", max, existing));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    public void CanHoldAnother_AtMaximum_IsDeniedWithNumbers(int max, int existing)
    {
        var room = SubscriptionRules.CanHoldAnother("Gold", max, existing);

        Assert.False(room.IsAllowed);
        Assert.Equal($"Plan 'Gold' allows at most {max} subscription(s) per account; this account already has {existing}.", room.Reason);
    }

    // Decision: the per-account maximum is the plan's rule, so admins are held to it too (they can raise it).
    [Fact]
    public void EnsureCanSubscribe_MaxSubscriptionsReachedByAdmin_IsRefused()
    {
        Assert.Throws<StateConflictException>(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan(maxPerTenant: 1), null, 1, byAdmin: true));
    }

    [Fact]
    public void EnsureCanSubscribe_DecommissionedPlanWithWrongCode_ReportsTheStateFirst()
    {
        var plan = PublicPlan("GOLD-2025");
        plan.Decommission();

        Assert.Throws<StateConflictException>(() => SubscriptionRules.EnsureCanSubscribe(plan, "wrong", 0, byAdmin: false));
    }

    [Fact]
    public void EnsureCanSubscribe_NegativeExistingCount_IsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SubscriptionRules.EnsureCanSubscribe(PublicPlan(), null, -1, byAdmin: false));
    }
}
