using Microsoft.EntityFrameworkCore;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Data.Quotas;

namespace Portal.Data.Tests.Offers;

public abstract class PlanRoundTripTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : OffersDatabase
{
    [Fact]
    public async Task Plan_WithQuotasAndOfferings_RoundTrips()
    {
        OffersSeed seed;
        await using (var db = database.CreateContext())
        {
            seed = await OffersSeed.CreateAsync(db, QuotaLimits.Create(5, null, 64, 1000));
        }

        await using (var read = database.CreateContext())
        {
            var plan = await read.Plans.AsNoTracking().SingleAsync(p => p.Id == seed.Plan.Id);
            Assert.Equal(QuotaLimits.Create(5, null, 64, 1000), plan.Quota);
            Assert.Equal(PlanState.Public, plan.State);
            Assert.True(plan.AllowShieldedVms);
            Assert.Equal([seed.Template.Id], plan.OfferedTemplateIds);
            Assert.Equal([seed.Size.Id], plan.OfferedHardwareProfileIds);

            var template = await read.VmTemplates.AsNoTracking().SingleAsync(t => t.Id == seed.Template.Id);
            Assert.True(template.IsShieldingCapable);
            Assert.Equal(seed.Template.Vsc, template.Vsc);
        }
    }

    [Fact]
    public async Task ChangingOfferingsAndLinks_PersistsOnlyTheNewSet()
    {
        OffersSeed seed;
        await using (var db = database.CreateContext())
        {
            seed = await OffersSeed.CreateAsync(db, QuotaLimits.Unlimited);
            var other = await OffersSeed.CreateAsync(db, QuotaLimits.Unlimited);
            var plan = await db.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
            plan.SetOfferings([seed.Template.Id, other.Template.Id], [other.Size.Id]);
            await db.SaveChangesAsync();
        }

        await using (var read = database.CreateContext())
        {
            var plan = await read.Plans.AsNoTracking().SingleAsync(p => p.Id == seed.Plan.Id);
            Assert.Equal(2, plan.OfferedTemplateIds.Count);
            Assert.DoesNotContain(seed.Size.Id, plan.OfferedHardwareProfileIds);
        }
    }

    [Fact]
    public async Task AddOn_HeldBySubscription_RaisesEffectiveQuota()
    {
        await using var db = database.CreateContext();
        var seed = await OffersSeed.CreateAsync(db, QuotaLimits.Create(5, 10, null, null));
        var addOn = AddOn.Create($"More VMs {Guid.NewGuid():N}", null, new ResourceAmount(2, 4, 0, 0), 3, OffersSeed.Now);
        addOn.Link(seed.Plan.Id);
        addOn.Publish();
        db.AddOns.Add(addOn);
        var subscription = await db.Subscriptions.SingleAsync(s => s.Id == seed.Subscription.Id);
        subscription.AddAddOn(addOn, OffersSeed.Now);
        subscription.AddAddOn(addOn, OffersSeed.Now);
        await db.SaveChangesAsync();

        await using var read = database.CreateContext();
        var stored = await read.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == seed.Subscription.Id);
        Assert.Equal(2, stored.AddOnCount(addOn.Id));
        Assert.Equal(QuotaLimits.Create(9, 18, null, null), await read.EffectiveQuotaAsync(stored, default));
        var storedAddOn = await read.AddOns.AsNoTracking().SingleAsync(a => a.Id == addOn.Id);
        Assert.Equal([seed.Plan.Id], storedAddOn.PlanIds);
        Assert.Equal(SubscriptionState.Active, stored.State);
    }
}

public sealed class PostgresPlanRoundTripTests(PostgresOffersDatabase database)
    : PlanRoundTripTests<PostgresOffersDatabase>(database);

public sealed class SqlitePlanRoundTripTests(SqliteOffersDatabase database)
    : PlanRoundTripTests<SqliteOffersDatabase>(database);
