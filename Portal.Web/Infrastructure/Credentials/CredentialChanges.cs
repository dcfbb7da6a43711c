using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Core.ApiTokens;
using Portal.Core.Fabric;
using Portal.Data.Cluster;
using Portal.Data.Identity;

namespace Portal.Web.Infrastructure.Credentials;

/// <summary>
/// Watches every save for changes to what a cached principal is built from — an API token (revoked), its user
/// (renamed, moved, deleted) or the user's roles; a host's state (removed) or credential — and, once the change is
/// committed, tells every portal process to forget that owner's cached credentials (<see cref="KnownCredentials"/>), and
/// waits until each has confirmed: when the request that made the change answers, no process answers from the old
/// state. This process forgets them before the save too.
/// </summary>
internal sealed class CredentialChanges(KnownCredentials cache, IClusterBus bus, ILogger<CredentialChanges> logger)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Owners changed inside a transaction the caller opened: announced when it commits, dropped if it rolls back.
    private readonly ConditionalWeakTable<DbContext, HashSet<Guid>> _uncommitted = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            var owners = ChangedOwners(context);
            foreach (var ownerId in owners)
            {
                cache.Forget(ownerId);
            }

            if (owners.Count > 0)
            {
                _uncommitted.GetOrCreateValue(context).UnionWith(owners);
            }
        }

        return ValueTask.FromResult(result);
    }

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            await AnnounceAsync(context);
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            _uncommitted.Remove(context);
        }

        return Task.CompletedTask;
    }

    public async Task TransactionCommittedAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            await AnnounceAsync(context);
        }
    }

    public Task TransactionRolledBackAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            _uncommitted.Remove(context);
        }

        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionCommittedAsync(transaction, eventData).GetAwaiter().GetResult();

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionRolledBackAsync(transaction, eventData).GetAwaiter().GetResult();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    private static HashSet<Guid> ChangedOwners(DbContext context)
    {
        var owners = new HashSet<Guid>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Modified or EntityState.Deleted or EntityState.Added))
            {
                continue;
            }

            switch (entry.Entity)
            {
                // A new token changes nobody's cached principal; a changed or deleted one does.
                case ApiToken token when entry.State != EntityState.Added:
                    owners.Add(token.UserId);
                    break;
                case PortalUser user when entry.State != EntityState.Added:
                    owners.Add(user.Id);
                    break;
                case IdentityUserRole<Guid> role:
                    owners.Add(role.UserId);
                    break;
                // Every heartbeat modifies its host's row; only a new state or credential changes what it authenticates as.
                case GuardedHost host when entry.State == EntityState.Deleted
                    || (entry.State == EntityState.Modified && (entry.Property(nameof(GuardedHost.State)).IsModified
                        || entry.Property(nameof(GuardedHost.CredentialHash)).IsModified)):
                    owners.Add(host.Id);
                    break;
            }
        }

        return owners;
    }

    private async Task AnnounceAsync(DbContext context)
    {
        if (!_uncommitted.TryGetValue(context, out var owners))
        {
            return;
        }

        _uncommitted.Remove(context);
        await Task.WhenAll(owners.Select(AnnounceAsync));
    }

    // Waits until every portal process has forgotten the owner's credentials, so the change's request answers only then.
    private async Task AnnounceAsync(Guid ownerId)
    {
        try
        {
            // Not the caller's token: the change is committed, and the other processes must hear of it.
            await bus.PublishConfirmedAsync(KnownCredentials.Topic, ownerId.ToString("N"), CancellationToken.None);
        }
        catch (Exception e)
        {
            // Those processes stop trusting their cache within the bus's hearing lease, unable to confirm anything.
            logger.LogError(e, "Could not tell the other portal processes that the credentials of {OwnerId} changed", ownerId);
        }
    }
}
