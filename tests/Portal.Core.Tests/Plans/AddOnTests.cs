using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;

namespace Portal.Core.Tests.Plans;

public class AddOnTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static AddOn NewAddOn(int maxPerSubscription = 3) =>
        AddOn.Create("Extra compute", "4 vCPUs and 16 GiB", new ResourceAmount(0, 4, 16, 0), maxPerSubscription, Now);

    [Fact]
    public void Create_StartsPrivateWithGivenSettings()
    {
        var addOn = NewAddOn();

        Assert.Equal("Extra compute", addOn.Name);
        Assert.Equal(new ResourceAmount(0, 4, 16, 0), addOn.Extra);
        Assert.Equal(3, addOn.MaxPerSubscription);
        Assert.Equal(PlanState.Private, addOn.State);
        Assert.Empty(addOn.PlanIds);
        Assert.Equal(Now, addOn.CreatedAt);
    }

    [Theory]
    [InlineData(-1, 0, 0, 0, "ExtraVms")]
    [InlineData(0, -4, 0, 0, "ExtraVcpus")]
    [InlineData(0, 0, -1, 0, "ExtraMemoryGiB")]
    [InlineData(0, 0, 0, 1_000_001, "ExtraStorageGiB")]
    [InlineData(0, 0, 0, 0, "Extra")]
    public void Create_InvalidExtra_NamesTheField(int vms, int vcpus, int memory, int storage, string field)
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            AddOn.Create("Pack", null, new ResourceAmount(vms, vcpus, memory, storage), 1, Now));

        Assert.Equal(field, Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_MaxPerSubscriptionZero_NamesTheField()
    {
        var ex = Assert.Throws<DomainValidationException>(() => NewAddOn(maxPerSubscription: 0));

        Assert.Equal("MaxPerSubscription", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_EmptyName_NamesName()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            AddOn.Create("", null, new ResourceAmount(1, 0, 0, 0), 1, Now));

        Assert.Equal("Name", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Link_AddsThePlanOnceEvenWhenRepeated()
    {
        var addOn = NewAddOn();
        var planId = Guid.NewGuid();

        addOn.Link(planId);
        addOn.Link(planId);

        Assert.Equal([planId], addOn.PlanIds);
        Assert.True(addOn.IsLinkedTo(planId));
    }

    [Fact]
    public void Unlink_RemovesThePlan()
    {
        var addOn = NewAddOn();
        var (keep, drop) = (Guid.NewGuid(), Guid.NewGuid());
        addOn.Link(keep);
        addOn.Link(drop);

        addOn.Unlink(drop);

        Assert.Equal([keep], addOn.PlanIds);
        Assert.False(addOn.IsLinkedTo(drop));
    }

    [Fact]
    public void Link_EmptyPlanId_NamesPlanId()
    {
        var ex = Assert.Throws<DomainValidationException>(() => NewAddOn().Link(Guid.Empty));

        Assert.Equal("PlanId", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Publish_ThenMakePrivate_ThenDecommission_ThenReopen_FollowsTheLifecycle()
    {
        var addOn = NewAddOn();

        addOn.Publish();
        Assert.Equal(PlanState.Public, addOn.State);
        addOn.MakePrivate();
        Assert.Equal(PlanState.Private, addOn.State);
        addOn.Decommission();
        Assert.Equal(PlanState.Decommissioned, addOn.State);
        addOn.Reopen();
        Assert.Equal(PlanState.Private, addOn.State);
    }

    [Fact]
    public void Publish_Decommissioned_IsRefused()
    {
        var addOn = NewAddOn();
        addOn.Decommission();

        var ex = Assert.Throws<StateConflictException>(addOn.Publish);

        Assert.Equal("Add-on 'Extra compute' is decommissioned and cannot be published; reopen it first.", ex.Message);
    }

    [Fact]
    public void Decommission_Twice_IsRefused()
    {
        var addOn = NewAddOn();
        addOn.Decommission();

        Assert.Throws<StateConflictException>(addOn.Decommission);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void CanAdd_Private_OnlyForAdmins(bool isAdmin, bool expected)
    {
        Assert.Equal(expected, NewAddOn().CanAdd(isAdmin).IsAllowed);
    }

    [Fact]
    public void CanAdd_Decommissioned_RefusedEvenForAdmins()
    {
        var addOn = NewAddOn();
        addOn.Decommission();

        var result = addOn.CanAdd(isAdminAction: true);

        Assert.False(result.IsAllowed);
        Assert.Contains("decommissioned", result.Reason);
    }
}
