using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Core.Common;

namespace Portal.Data.Concurrency;

/// <summary>
/// Bumps <see cref="IVersioned.Version"/> of every changed versioned entity (a change to an owned row, such as a plan's
/// offerings, counts as a change of its owner). The version is a concurrency token, so the UPDATE carries
/// <c>WHERE "Version" = loaded</c>: of two writers that loaded the same version, the second fails with
/// <see cref="DbUpdateConcurrencyException"/> on PostgreSQL and SQLite alike.
/// </summary>
internal sealed class VersionStamp : SaveChangesInterceptor
{
    public static readonly VersionStamp Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        context.ChangeTracker.DetectChanges();
        var entries = context.ChangeTracker.Entries().ToList();
        var changed = new HashSet<EntityEntry>();
        foreach (var entry in entries)
        {
            if (entry.Entity is IVersioned && entry.State is EntityState.Modified or EntityState.Deleted)
            {
                changed.Add(entry);
            }
            else if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Metadata.IsOwned()
                && Owner(entry, entries) is { State: EntityState.Unchanged or EntityState.Modified } owner)
            {
                changed.Add(owner);
            }
        }

        foreach (var entry in changed)
        {
            var version = entry.Property(nameof(IVersioned.Version));
            if (ConcurrencyExpectation.Take(((IVersioned)entry.Entity).Id) is { } expected)
            {
                version.OriginalValue = expected;
            }

            if (entry.State != EntityState.Deleted)
            {
                version.CurrentValue = (long)version.OriginalValue! + 1;
            }
        }
    }

    private static EntityEntry? Owner(EntityEntry owned, IReadOnlyList<EntityEntry> entries)
    {
        var ownership = owned.Metadata.FindOwnership();
        if (ownership is not { Properties: [var key] })
        {
            return null;
        }

        var property = owned.Property(key.Name);
        var ownerId = (owned.State == EntityState.Deleted ? property.OriginalValue : property.CurrentValue) as Guid?;
        return entries.FirstOrDefault(e =>
            e.Metadata == ownership.PrincipalEntityType && e.Entity is IVersioned v && v.Id == ownerId);
    }
}
