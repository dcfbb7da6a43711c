using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Quotas;
using Portal.Core.VirtualMachines;
using Portal.Data.Quotas;

namespace Portal.Data.Tests.Offers;

public abstract class VmReservationConcurrencyTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : OffersDatabase
{
    private const int Racers = 20;
    private const int Limit = 5;

    [Fact]
    public async Task TwentyConcurrentReservations_LimitFive_ExactlyFiveSucceed()
    {
        OffersSeed seed;
        await using (var setup = database.CreateContext())
        {
            seed = await OffersSeed.CreateAsync(setup, QuotaLimits.Create(Limit, null, null, null));
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
        {
            await using var db = database.CreateContext();
            await db.Database.OpenConnectionAsync();
            await start.Task;
            try
            {
                await VmReservation.ReserveAsync(db, Request(seed, $"vm-{i}"), AuditActor.System, OffersSeed.Now, default);
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        })).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(racers);

        Assert.Equal(Limit, outcomes.Count(e => e is null));
        var refusals = outcomes.Where(e => e is not null).ToList();
        Assert.Equal(Racers - Limit, refusals.Count);
        Assert.All(refusals, e =>
        {
            var quota = Assert.IsType<QuotaExceededException>(e);
            Assert.Equal((QuotaDimension.Vms, Limit, Limit, 1), (quota.Dimension, quota.Limit, quota.Used, quota.Requested));
        });
        await using var check = database.CreateContext();
        Assert.Equal(Limit, await check.VirtualMachines.CountAsync(v => v.SubscriptionId == seed.Subscription.Id));
        Assert.Equal(Limit, await check.AuditEntries.CountAsync(a => a.Action == "vm.created" && a.TenantId == seed.Tenant.Id));
    }

    [Fact]
    public async Task Reservation_CountsProvisioningButNotDeletedVms()
    {
        await using var db = database.CreateContext();
        var seed = await OffersSeed.CreateAsync(db, QuotaLimits.Create(2, null, null, null));
        var first = (await VmReservation.ReserveAsync(db, Request(seed, "a"), AuditActor.System, OffersSeed.Now, default)).Vm;
        await VmReservation.ReserveAsync(db, Request(seed, "b"), AuditActor.System, OffersSeed.Now, default);
        Assert.Equal(VmState.Provisioning, first.State);

        await Assert.ThrowsAsync<QuotaExceededException>(() =>
            VmReservation.ReserveAsync(db, Request(seed, "c"), AuditActor.System, OffersSeed.Now, default));

        first.MarkDeleted(OffersSeed.Now);
        await db.SaveChangesAsync();
        var third = (await VmReservation.ReserveAsync(db, Request(seed, "c"), AuditActor.System, OffersSeed.Now, default)).Vm;
        Assert.Equal(VmState.Provisioning, third.State);
    }

    [Fact]
    public async Task Reservation_ChecksEveryDimensionWithTheNumbers()
    {
        await using var db = database.CreateContext();
        var seed = await OffersSeed.CreateAsync(db, QuotaLimits.Create(null, 3, null, null));
        await VmReservation.ReserveAsync(db, Request(seed, "a"), AuditActor.System, OffersSeed.Now, default);

        var refusal = await Assert.ThrowsAsync<QuotaExceededException>(() =>
            VmReservation.ReserveAsync(db, Request(seed, "b"), AuditActor.System, OffersSeed.Now, default));

        Assert.Equal((QuotaDimension.Vcpus, 3, 2, 2), (refusal.Dimension, refusal.Limit, refusal.Used, refusal.Requested));
    }

    private static VmReservationRequest Request(OffersSeed seed, string name) =>
        new(seed.Tenant.Id, seed.Subscription.Id, name, seed.Template.Id, seed.Size.Id, Shielded: false);
}

public sealed class PostgresVmReservationConcurrencyTests(PostgresOffersDatabase database)
    : VmReservationConcurrencyTests<PostgresOffersDatabase>(database);

public sealed class SqliteVmReservationConcurrencyTests(SqliteOffersDatabase database)
    : VmReservationConcurrencyTests<SqliteOffersDatabase>(database);
