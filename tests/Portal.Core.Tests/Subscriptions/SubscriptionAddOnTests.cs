using Microsoft.Extensions.Time.Testing;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;

namespace Portal.Core.Tests.Subscriptions;

public class SubscriptionAddOnTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly Plan _plan;
    private readonly Subscription _subscription;

    public SubscriptionAddOnTests()
    {
        _plan = Plan.Create("Gold", null, QuotaLimits.Create(4, 8, 32, 500), true, null, null, _time.GetUtcNow());
        _plan.Publish();
        _subscription = Subscription.Create(Guid.NewGuid(), _plan.Id, "Production", _time.GetUtcNow());
    }

    private AddOn PublicAddOnLinkedToPlan(int maxPerSubscription = 2, ResourceAmount? extra = null)
    {
        var addOn = AddOn.Create("Extra compute", null, extra ?? new ResourceAmount(0, 4, 16, 0), maxPerSubscription,
            _time.GetUtcNow());
        addOn.Link(_plan.Id);
        addOn.Publish();
        return addOn;
    }

    [Fact]
    public void AddAddOn_First_AddsOneWithTime()
    {
        var addOn = PublicAddOnLinkedToPlan();

        _subscription.AddAddOn(addOn, _time.GetUtcNow());

        var held = Assert.Single(_subscription.AddOns);
        Assert.Equal(addOn.Id, held.AddOnId);
        Assert.Equal(1, held.Count);
        Assert.Equal(_time.GetUtcNow(), held.AddedAt);
    }

    [Fact]
    public void AddAddOn_Again_IncrementsCountKeepingFirstAddedAt()
    {
        var addOn = PublicAddOnLinkedToPlan();
        var first = _time.GetUtcNow();
        _subscription.AddAddOn(addOn, first);
        _time.Advance(TimeSpan.FromDays(3));

        _subscription.AddAddOn(addOn, _time.GetUtcNow());

        var held = Assert.Single(_subscription.AddOns);
        Assert.Equal(2, held.Count);
        Assert.Equal(first, held.AddedAt);
        Assert.Equal(_time.GetUtcNow(), held.UpdatedAt);
        Assert.Equal(2, _subscription.AddOnCount(addOn.Id));
    }

    [Fact]
    public void AddAddOn_BeyondMaxPerSubscription_IsRefusedWithNumbers()
    {
        var addOn = PublicAddOnLinkedToPlan(maxPerSubscription: 2);
        _subscription.AddAddOn(addOn, _time.GetUtcNow());
        _subscription.AddAddOn(addOn, _time.GetUtcNow());

        var ex = Assert.Throws<StateConflictException>(() => _subscription.AddAddOn(addOn, _time.GetUtcNow()));

        Assert.Equal(
            "Add-on 'Extra compute' can be added at most 2 time(s) per subscription; subscription 'Production' already has 2.",
            ex.Message);
        Assert.Equal(2, _subscription.AddOnCount(addOn.Id));
    }

    [Fact]
    public void AddAddOn_NotLinkedToThePlan_IsRefused()
    {
        var addOn = AddOn.Create("Other pack", null, new ResourceAmount(1, 0, 0, 0), 5, _time.GetUtcNow());
        addOn.Link(Guid.NewGuid());
        addOn.Publish();

        var ex = Assert.Throws<StateConflictException>(() => _subscription.AddAddOn(addOn, _time.GetUtcNow()));

        Assert.Equal("Add-on 'Other pack' is not offered with this subscription's plan.", ex.Message);
        Assert.Empty(_subscription.AddOns);
    }

    [Fact]
    public void AddAddOn_Decommissioned_IsRefusedEvenForAdmins()
    {
        var addOn = PublicAddOnLinkedToPlan();
        addOn.Decommission();

        var ex = Assert.Throws<StateConflictException>(() =>
            _subscription.AddAddOn(addOn, _time.GetUtcNow(), byAdmin: true));

        Assert.Contains("decommissioned", ex.Message);
        Assert.Empty(_subscription.AddOns);
    }

    [Fact]
    public void AddAddOn_PrivateByTenant_IsRefused()
    {
        var addOn = PublicAddOnLinkedToPlan();
        addOn.MakePrivate();

        Assert.Throws<StateConflictException>(() => _subscription.AddAddOn(addOn, _time.GetUtcNow()));
        Assert.Empty(_subscription.AddOns);
    }

    [Fact]
    public void AddAddOn_PrivateByAdmin_IsAllowed()
    {
        var addOn = PublicAddOnLinkedToPlan();
        addOn.MakePrivate();

        _subscription.AddAddOn(addOn, _time.GetUtcNow(), byAdmin: true);

        Assert.Equal(1, _subscription.AddOnCount(addOn.Id));
    }

    [Fact]
    public void AddAddOn_SuspendedSubscription_IsRefused()
    {
        var addOn = PublicAddOnLinkedToPlan();
        _subscription.Suspend(_time.GetUtcNow());

        var ex = Assert.Throws<StateConflictException>(() => _subscription.AddAddOn(addOn, _time.GetUtcNow()));

        Assert.Contains("suspended", ex.Message);
    }

    [Fact]
    public void RemoveAddOn_DecrementsThenRemovesTheEntry()
    {
        var addOn = PublicAddOnLinkedToPlan();
        _subscription.AddAddOn(addOn, _time.GetUtcNow());
        _subscription.AddAddOn(addOn, _time.GetUtcNow());

        _subscription.RemoveAddOn(addOn.Id, _time.GetUtcNow());
        Assert.Equal(1, _subscription.AddOnCount(addOn.Id));

        _subscription.RemoveAddOn(addOn.Id, _time.GetUtcNow());
        Assert.Empty(_subscription.AddOns);
    }

    [Fact]
    public void RemoveAddOn_NotHeld_IsNotFound()
    {
        Assert.Throws<NotFoundException>(() => _subscription.RemoveAddOn(Guid.NewGuid(), _time.GetUtcNow()));
    }

    [Fact]
    public void EffectiveQuota_NoAddOns_IsThePlanQuota()
    {
        var quota = _subscription.EffectiveQuota(_plan, new Dictionary<Guid, AddOn>());

        Assert.Equal(QuotaLimits.Create(4, 8, 32, 500), quota);
    }

    [Fact]
    public void EffectiveQuota_AddsEachAddOnTimesItsCount()
    {
        var compute = PublicAddOnLinkedToPlan(maxPerSubscription: 3, extra: new ResourceAmount(0, 4, 16, 0));
        var storage = PublicAddOnLinkedToPlan(maxPerSubscription: 1, extra: new ResourceAmount(1, 0, 0, 250));
        _subscription.AddAddOn(compute, _time.GetUtcNow());
        _subscription.AddAddOn(compute, _time.GetUtcNow());
        _subscription.AddAddOn(storage, _time.GetUtcNow());

        var quota = _subscription.EffectiveQuota(_plan, new Dictionary<Guid, AddOn>
        {
            [compute.Id] = compute,
            [storage.Id] = storage,
        });

        Assert.Equal(QuotaLimits.Create(4 + 1, 8 + 8, 32 + 32, 500 + 250), quota);
    }

    [Fact]
    public void EffectiveQuota_UnlimitedPlanDimension_StaysUnlimitedWithAddOns()
    {
        var plan = Plan.Create("Open", null, QuotaLimits.Create(null, 8, null, 100), false, null, null, _time.GetUtcNow());
        plan.Publish();
        var subscription = Subscription.Create(Guid.NewGuid(), plan.Id, "Dev", _time.GetUtcNow());
        var addOn = AddOn.Create("Pack", null, new ResourceAmount(2, 2, 2, 2), 1, _time.GetUtcNow());
        addOn.Link(plan.Id);
        addOn.Publish();
        subscription.AddAddOn(addOn, _time.GetUtcNow());

        var quota = subscription.EffectiveQuota(plan, new Dictionary<Guid, AddOn> { [addOn.Id] = addOn });

        Assert.Equal(QuotaLimits.Create(null, 10, null, 102), quota);
    }

    [Fact]
    public void EffectiveQuota_AddOnLaterDecommissioned_StillCounts()
    {
        var addOn = PublicAddOnLinkedToPlan(extra: new ResourceAmount(0, 4, 0, 0));
        _subscription.AddAddOn(addOn, _time.GetUtcNow());
        addOn.Decommission();
        addOn.Unlink(_plan.Id);

        var quota = _subscription.EffectiveQuota(_plan, new Dictionary<Guid, AddOn> { [addOn.Id] = addOn });

        Assert.Equal(12, quota.MaxVcpus);
    }

    [Fact]
    public void EffectiveQuota_WrongPlan_Throws()
    {
        var other = Plan.Create("Other", null, QuotaLimits.Unlimited, false, null, null, _time.GetUtcNow());

        Assert.Throws<ArgumentException>(() => _subscription.EffectiveQuota(other, new Dictionary<Guid, AddOn>()));
    }

    [Fact]
    public void EffectiveQuota_HeldAddOnMissingFromLookup_Throws()
    {
        _subscription.AddAddOn(PublicAddOnLinkedToPlan(), _time.GetUtcNow());

        Assert.Throws<ArgumentException>(() => _subscription.EffectiveQuota(_plan, new Dictionary<Guid, AddOn>()));
    }
}
