using Microsoft.Extensions.Time.Testing;
using Portal.Core.Common;
using Portal.Core.Subscriptions;

namespace Portal.Core.Tests.Subscriptions;

public class SubscriptionTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private Subscription NewSubscription() =>
        Subscription.Create(Guid.NewGuid(), Guid.NewGuid(), "Production", _time.GetUtcNow());

    private Subscription SubscriptionIn(SubscriptionState state)
    {
        var subscription = NewSubscription();
        switch (state)
        {
            case SubscriptionState.Active:
                break;
            case SubscriptionState.Suspended:
                subscription.Suspend(_time.GetUtcNow());
                break;
            case SubscriptionState.Deleted:
                subscription.Cancel(liveVms: 0, _time.GetUtcNow());
                break;
        }

        Assert.Equal(state, subscription.State);
        return subscription;
    }

    [Fact]
    public void Create_StartsActiveWithGivenValues()
    {
        var (tenantId, planId) = (Guid.NewGuid(), Guid.NewGuid());

        var subscription = Subscription.Create(tenantId, planId, " Production ", _time.GetUtcNow());

        Assert.NotEqual(Guid.Empty, subscription.Id);
        Assert.Equal(tenantId, subscription.TenantId);
        Assert.Equal(planId, subscription.PlanId);
        Assert.Equal("Production", subscription.DisplayName);
        Assert.Equal(SubscriptionState.Active, subscription.State);
        Assert.Equal(_time.GetUtcNow(), subscription.CreatedAt);
        Assert.Empty(subscription.AddOns);
    }

    [Fact]
    public void Create_EmptyTenant_NamesTenantId()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            Subscription.Create(Guid.Empty, Guid.NewGuid(), "Production", _time.GetUtcNow()));

        Assert.Equal("TenantId", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_EmptyPlan_NamesPlanId()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            Subscription.Create(Guid.NewGuid(), Guid.Empty, "Production", _time.GetUtcNow()));

        Assert.Equal("PlanId", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_BlankDisplayName_NamesDisplayName()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            Subscription.Create(Guid.NewGuid(), Guid.NewGuid(), "  ", _time.GetUtcNow()));

        Assert.Equal("DisplayName", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Suspend_Active_BecomesSuspendedAndRecordsWhen()
    {
        var subscription = SubscriptionIn(SubscriptionState.Active);
        _time.Advance(TimeSpan.FromHours(2));

        subscription.Suspend(_time.GetUtcNow());

        Assert.Equal(SubscriptionState.Suspended, subscription.State);
        Assert.Equal(_time.GetUtcNow(), subscription.StateChangedAt);
        Assert.NotEqual(subscription.CreatedAt, subscription.StateChangedAt);
    }

    [Theory]
    [InlineData(SubscriptionState.Suspended, "Subscription 'Production' is already suspended.")]
    [InlineData(SubscriptionState.Deleted, "Subscription 'Production' has been deleted and cannot be suspended.")]
    public void Suspend_NotActive_IsRefused(SubscriptionState state, string message)
    {
        var subscription = SubscriptionIn(state);
        var before = subscription.StateChangedAt;
        _time.Advance(TimeSpan.FromMinutes(5));

        var ex = Assert.Throws<StateConflictException>(() => subscription.Suspend(_time.GetUtcNow()));

        Assert.Equal(message, ex.Message);
        Assert.Equal(state, subscription.State);
        Assert.Equal(before, subscription.StateChangedAt);
    }

    [Fact]
    public void Resume_Suspended_BecomesActive()
    {
        var subscription = SubscriptionIn(SubscriptionState.Suspended);
        _time.Advance(TimeSpan.FromDays(1));

        subscription.Resume(_time.GetUtcNow());

        Assert.Equal(SubscriptionState.Active, subscription.State);
        Assert.Equal(_time.GetUtcNow(), subscription.StateChangedAt);
    }

    [Theory]
    [InlineData(SubscriptionState.Active)]
    [InlineData(SubscriptionState.Deleted)]
    public void Resume_NotSuspended_IsRefused(SubscriptionState state)
    {
        var subscription = SubscriptionIn(state);

        Assert.Throws<StateConflictException>(() => subscription.Resume(_time.GetUtcNow()));
        Assert.Equal(state, subscription.State);
    }

    [Theory]
    [InlineData(SubscriptionState.Active)]
    [InlineData(SubscriptionState.Suspended)]
    public void Cancel_ActiveOrSuspended_BecomesDeleted(SubscriptionState state)
    {
        var subscription = SubscriptionIn(state);

        subscription.Cancel(liveVms: 0, _time.GetUtcNow());

        Assert.Equal(SubscriptionState.Deleted, subscription.State);
    }

    [Fact]
    public void Cancel_Deleted_IsRefusedBecauseDeletedIsFinal()
    {
        var subscription = SubscriptionIn(SubscriptionState.Deleted);

        var ex = Assert.Throws<StateConflictException>(() => subscription.Cancel(liveVms: 0, _time.GetUtcNow()));

        Assert.Equal("Subscription 'Production' has already been deleted.", ex.Message);
    }

    [Theory]
    [InlineData(SubscriptionState.Active)]
    [InlineData(SubscriptionState.Suspended)]
    public void Cancel_WithLiveVms_IsRefusedWithTheCountAndStaysAsItWas(SubscriptionState state)
    {
        var subscription = SubscriptionIn(state);

        var ex = Assert.Throws<StateConflictException>(() => subscription.Cancel(liveVms: 2, _time.GetUtcNow()));

        Assert.Equal("Subscription 'Production' still has 2 VM(s); delete them before cancelling it.", ex.Message);
        Assert.Equal(state, subscription.State);
    }

    [Fact]
    public void EnsureActive_Active_DoesNotThrow()
    {
        Assert.Null(Record.Exception(SubscriptionIn(SubscriptionState.Active).EnsureActive));
    }

    [Theory]
    [InlineData(SubscriptionState.Suspended, "Subscription 'Production' is suspended; ask your provider to resume it.")]
    [InlineData(SubscriptionState.Deleted, "Subscription 'Production' has been deleted.")]
    public void EnsureActive_NotActive_ThrowsWithReason(SubscriptionState state, string message)
    {
        var ex = Assert.Throws<StateConflictException>(SubscriptionIn(state).EnsureActive);

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Rename_ChangesDisplayName()
    {
        var subscription = NewSubscription();

        subscription.Rename("Staging");

        Assert.Equal("Staging", subscription.DisplayName);
    }

    [Fact]
    public void Rename_Deleted_IsRefused()
    {
        var subscription = SubscriptionIn(SubscriptionState.Deleted);

        Assert.Throws<StateConflictException>(() => subscription.Rename("Staging"));
    }
}
