using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;

namespace Portal.Core.Tests.Plans;

public class PlanTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly QuotaLimits Quota = QuotaLimits.Create(10, 40, 160, 2000);

    private static Plan NewPlan(string? invitationCode = null, int? maxSubscriptions = null) =>
        Plan.Create("Gold", "Production workloads", Quota, allowShieldedVms: true, invitationCode, maxSubscriptions, Now);

    private static Plan PlanIn(PlanState state)
    {
        var plan = NewPlan();
        switch (state)
        {
            case PlanState.Private:
                break;
            case PlanState.Public:
                plan.Publish();
                break;
            case PlanState.Decommissioned:
                plan.Decommission();
                break;
        }

        Assert.Equal(state, plan.State);
        return plan;
    }

    [Fact]
    public void Create_StartsPrivateWithGivenSettings()
    {
        var plan = NewPlan(invitationCode: "GOLD-2025", maxSubscriptions: 2);

        Assert.Equal(PlanState.Private, plan.State);
        Assert.Equal("Gold", plan.Name);
        Assert.Equal("Production workloads", plan.Description);
        Assert.Equal(Quota, plan.Quota);
        Assert.True(plan.AllowShieldedVms);
        Assert.Equal("GOLD-2025", plan.InvitationCode);
        Assert.True(plan.RequiresInvitation);
        Assert.Equal(2, plan.MaxSubscriptionsPerTenant);
        Assert.Equal(Now, plan.CreatedAt);
        Assert.Empty(plan.OfferedTemplateIds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_BlankInvitationCode_MeansNoneRequired(string? code)
    {
        var plan = NewPlan(invitationCode: code);

        Assert.Null(plan.InvitationCode);
        Assert.False(plan.RequiresInvitation);
    }

    [Fact]
    public void Create_EmptyName_NamesName()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            Plan.Create(" ", null, Quota, false, null, null, Now));

        Assert.Equal("Name", Assert.Single(ex.Errors).Key);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("this-invitation-code-is-far-too-long-to-be-typed-by-anyone-at-all")]
    public void Create_InvitationCodeOutside4To64_NamesInvitationCode(string code)
    {
        var ex = Assert.Throws<DomainValidationException>(() => NewPlan(invitationCode: code));

        Assert.Equal("InvitationCode", Assert.Single(ex.Errors).Key);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Create_MaxSubscriptionsBelowOne_NamesMaxSubscriptionsPerTenant(int max)
    {
        var ex = Assert.Throws<DomainValidationException>(() => NewPlan(maxSubscriptions: max));

        Assert.Equal("MaxSubscriptionsPerTenant", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Publish_Private_BecomesPublic()
    {
        var plan = PlanIn(PlanState.Private);

        plan.Publish();

        Assert.Equal(PlanState.Public, plan.State);
    }

    [Fact]
    public void Publish_Public_IsRefused()
    {
        var plan = PlanIn(PlanState.Public);

        var ex = Assert.Throws<StateConflictException>(plan.Publish);

        Assert.Equal("Plan 'Gold' is already public.", ex.Message);
    }

    [Fact]
    public void Publish_Decommissioned_IsRefused()
    {
        var plan = PlanIn(PlanState.Decommissioned);

        var ex = Assert.Throws<StateConflictException>(plan.Publish);

        Assert.Contains("decommissioned", ex.Message);
        Assert.Equal(PlanState.Decommissioned, plan.State);
    }

    [Fact]
    public void MakePrivate_Public_BecomesPrivate()
    {
        var plan = PlanIn(PlanState.Public);

        plan.MakePrivate();

        Assert.Equal(PlanState.Private, plan.State);
    }

    [Theory]
    [InlineData(PlanState.Private)]
    [InlineData(PlanState.Decommissioned)]
    public void MakePrivate_NotPublic_IsRefused(PlanState state)
    {
        var plan = PlanIn(state);

        Assert.Throws<StateConflictException>(plan.MakePrivate);
        Assert.Equal(state, plan.State);
    }

    [Theory]
    [InlineData(PlanState.Private)]
    [InlineData(PlanState.Public)]
    public void Decommission_PrivateOrPublic_BecomesDecommissioned(PlanState state)
    {
        var plan = PlanIn(state);

        plan.Decommission();

        Assert.Equal(PlanState.Decommissioned, plan.State);
    }

    [Fact]
    public void Decommission_AlreadyDecommissioned_IsRefused()
    {
        var plan = PlanIn(PlanState.Decommissioned);

        var ex = Assert.Throws<StateConflictException>(plan.Decommission);

        Assert.Equal("Plan 'Gold' is already decommissioned.", ex.Message);
    }

    // Decision: Decommissioned is final for Publish/MakePrivate; only an explicit Reopen leaves it, and it
    // lands in Private so tenants see nothing until the provider publishes again.
    [Fact]
    public void Reopen_Decommissioned_ReturnsToPrivateNotPublic()
    {
        var plan = PlanIn(PlanState.Public);
        plan.Decommission();

        plan.Reopen();

        Assert.Equal(PlanState.Private, plan.State);
        Assert.False(plan.CanSubscribe(isAdminAction: false).IsAllowed);
    }

    [Theory]
    [InlineData(PlanState.Private)]
    [InlineData(PlanState.Public)]
    public void Reopen_NotDecommissioned_IsRefused(PlanState state)
    {
        var plan = PlanIn(state);

        Assert.Throws<StateConflictException>(plan.Reopen);
        Assert.Equal(state, plan.State);
    }

    [Theory]
    [InlineData(PlanState.Private, false, false)]
    [InlineData(PlanState.Private, true, true)]
    [InlineData(PlanState.Public, false, true)]
    [InlineData(PlanState.Public, true, true)]
    [InlineData(PlanState.Decommissioned, false, false)]
    [InlineData(PlanState.Decommissioned, true, false)]
    public void CanSubscribe_FollowsStateAndWhoAsks(PlanState state, bool isAdmin, bool expected)
    {
        var result = PlanIn(state).CanSubscribe(isAdmin);

        Assert.Equal(expected, result.IsAllowed);
        Assert.Equal(expected, result.Reason is null);
    }

    [Fact]
    public void CanSubscribe_Decommissioned_GivesAReason()
    {
        var result = PlanIn(PlanState.Decommissioned).CanSubscribe(isAdminAction: true);

        Assert.Equal("Plan 'Gold' has been decommissioned and is no longer offered.", result.Reason);
    }

    [Fact]
    public void AcceptsInvitation_NoCodeRequired_AcceptsAnything()
    {
        var plan = NewPlan();

        Assert.True(plan.AcceptsInvitation(null));
        Assert.True(plan.AcceptsInvitation("whatever"));
    }

    [Fact]
    public void AcceptsInvitation_RightCode_IsAccepted()
    {
        Assert.True(NewPlan(invitationCode: "GOLD-2025").AcceptsInvitation("GOLD-2025"));
    }

    [Fact]
    public void AcceptsInvitation_SurroundingSpaces_AreIgnored()
    {
        Assert.True(NewPlan(invitationCode: "GOLD-2025").AcceptsInvitation(" GOLD-2025 "));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("GOLD-2024")]
    [InlineData("gold-2025")]
    [InlineData("GOLD-2025X")]
    [InlineData("GOLD")]
    public void AcceptsInvitation_MissingOrWrongCode_IsRejected(string? code)
    {
        Assert.False(NewPlan(invitationCode: "GOLD-2025").AcceptsInvitation(code));
    }

    [Fact]
    public void SetOfferings_ReplacesAndDeduplicates()
    {
        var plan = NewPlan();
        var (t1, t2, p1) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        plan.SetOfferings([Guid.NewGuid()], [Guid.NewGuid()]);

        plan.SetOfferings([t1, t2, t1], [p1]);

        Assert.Equal([t1, t2], plan.OfferedTemplateIds);
        Assert.Equal([p1], plan.OfferedHardwareProfileIds);
        Assert.True(plan.OffersTemplate(t2));
        Assert.True(plan.OffersHardwareProfile(p1));
        Assert.False(plan.OffersHardwareProfile(t1));
    }

    [Fact]
    public void SetOfferings_EmptyId_NamesTheFieldAndChangesNothing()
    {
        var plan = NewPlan();
        var t1 = Guid.NewGuid();
        plan.SetOfferings([t1], []);

        var ex = Assert.Throws<DomainValidationException>(() => plan.SetOfferings([Guid.Empty], []));

        Assert.Equal("OfferedTemplateIds", Assert.Single(ex.Errors).Key);
        Assert.Equal([t1], plan.OfferedTemplateIds);
    }

    [Fact]
    public void Update_ChangesSettings()
    {
        var plan = NewPlan(invitationCode: "GOLD-2025");
        var newQuota = QuotaLimits.Create(2, 4, 8, 100);

        plan.Update("Gold 2", "", newQuota, allowShieldedVms: false, invitationCode: null, maxSubscriptionsPerTenant: 1);

        Assert.Equal("Gold 2", plan.Name);
        Assert.Equal(newQuota, plan.Quota);
        Assert.False(plan.AllowShieldedVms);
        Assert.Null(plan.InvitationCode);
        Assert.Equal(1, plan.MaxSubscriptionsPerTenant);
    }

    [Fact]
    public void CloneAs_CopiesSettingsIntoANewPrivatePlan()
    {
        var plan = NewPlan(invitationCode: "GOLD-2025", maxSubscriptions: 3);
        var (template, profile) = (Guid.NewGuid(), Guid.NewGuid());
        plan.SetOfferings([template], [profile]);
        plan.Publish();
        var later = Now.AddDays(1);

        var clone = plan.CloneAs("Gold (copy)", later);

        Assert.NotEqual(plan.Id, clone.Id);
        Assert.Equal("Gold (copy)", clone.Name);
        Assert.Equal(PlanState.Private, clone.State);
        Assert.Equal(later, clone.CreatedAt);
        Assert.Equal(plan.Description, clone.Description);
        Assert.Equal(plan.Quota, clone.Quota);
        Assert.True(clone.AllowShieldedVms);
        Assert.Equal("GOLD-2025", clone.InvitationCode);
        Assert.Equal(3, clone.MaxSubscriptionsPerTenant);
        Assert.Equal([template], clone.OfferedTemplateIds);
        Assert.Equal([profile], clone.OfferedHardwareProfileIds);
    }

    [Fact]
    public void CloneAs_ChangingTheCloneLeavesTheOriginalAlone()
    {
        var plan = NewPlan();
        var template = Guid.NewGuid();
        plan.SetOfferings([template], []);

        var clone = plan.CloneAs("Gold 2", Now);
        clone.SetOfferings([], []);

        Assert.Equal([template], plan.OfferedTemplateIds);
    }

    [Fact]
    public void CloneAs_EmptyName_NamesName()
    {
        var ex = Assert.Throws<DomainValidationException>(() => NewPlan().CloneAs("", Now));

        Assert.Equal("Name", Assert.Single(ex.Errors).Key);
    }
}
