using Microsoft.EntityFrameworkCore;
using Portal.Core.Quotas;
using Portal.Data.Concurrency;
using Portal.Data.Tests.Offers;

namespace Portal.Data.Tests.Concurrency;

/// <summary>The Version concurrency token on a real database of each provider.</summary>
public abstract class VersionConcurrencyTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : OffersDatabase
{
    [Fact]
    public async Task Save_OfAChangedEntity_BumpsItsVersionByOne()
    {
        var seed = await SeedAsync();
        await using var db = database.CreateContext();
        var plan = await db.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
        var before = plan.Version;

        plan.MakePrivate();
        await db.SaveChangesAsync();

        await using var check = database.CreateContext();
        Assert.Equal(before + 1, (await check.Plans.SingleAsync(p => p.Id == seed.Plan.Id)).Version);
    }

    [Fact]
    public async Task ChangeOfOwnedRowsOnly_BumpsTheOwnersVersion()
    {
        var seed = await SeedAsync();
        await using var db = database.CreateContext();
        var plan = await db.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
        var before = plan.Version;

        plan.SetOfferings([], []);
        await db.SaveChangesAsync();

        await using var check = database.CreateContext();
        Assert.Equal(before + 1, (await check.Plans.SingleAsync(p => p.Id == seed.Plan.Id)).Version);
    }

    [Fact]
    public async Task TwoWritersLoadingTheSameVersion_TheSecondSaveFails_AndOnlyTheFirstChangeIsKept()
    {
        var seed = await SeedAsync();
        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        var firstPlan = await first.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
        var secondPlan = await second.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
        Assert.Equal(firstPlan.Version, secondPlan.Version);

        firstPlan.MakePrivate();
        await first.SaveChangesAsync();
        secondPlan.Decommission();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        await using var check = database.CreateContext();
        var stored = await check.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
        Assert.Equal((Core.Plans.PlanState.Private, secondPlan.Version), (stored.State, stored.Version));
    }

    [Fact]
    public async Task ExpectedVersionOtherThanStored_FailsTheSave_NothingChanges()
    {
        var seed = await SeedAsync();
        await using var db = database.CreateContext();
        var plan = await db.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
        var stored = plan.Version;

        plan.MakePrivate();
        using (ConcurrencyExpectation.Expect(plan.Id, stored + 5))
        {
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        }

        await using var check = database.CreateContext();
        var after = await check.Plans.SingleAsync(p => p.Id == seed.Plan.Id);
        Assert.Equal((Core.Plans.PlanState.Public, stored), (after.State, after.Version));
    }

    private async Task<OffersSeed> SeedAsync()
    {
        await using var db = database.CreateContext();
        return await OffersSeed.CreateAsync(db, QuotaLimits.Unlimited);
    }
}

public sealed class PostgresVersionConcurrencyTests(PostgresOffersDatabase database)
    : VersionConcurrencyTests<PostgresOffersDatabase>(database);

public sealed class SqliteVersionConcurrencyTests(SqliteOffersDatabase database)
    : VersionConcurrencyTests<SqliteOffersDatabase>(database);
