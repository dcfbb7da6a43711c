using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Core.ApiTokens;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Fabric;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Plans;
using Portal.Core.ShieldingData;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;
using Portal.Core.VirtualMachines;
using Portal.Data.Auditing;
using Portal.Data.Concurrency;
using Portal.Data.Idempotency;
using Portal.Data.Identity;

namespace Portal.Data;

/// <summary>
/// The one model of the portal. Each database provider has a thin derived context that owns its migrations.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<PortalUser, PortalRole, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<TenantAccount> Tenants => Set<TenantAccount>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<GuardedHost> GuardedHosts => Set<GuardedHost>();

    public DbSet<HostJoinToken> HostJoinTokens => Set<HostJoinToken>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<AddOn> AddOns => Set<AddOn>();

    public DbSet<VmTemplate> VmTemplates => Set<VmTemplate>();

    public DbSet<HardwareProfile> HardwareProfiles => Set<HardwareProfile>();

    public DbSet<Subscription> Subscriptions => Set<Subscription>();

    public DbSet<VirtualMachine> VirtualMachines => Set<VirtualMachine>();

    public DbSet<StoredShieldingData> ShieldingData => Set<StoredShieldingData>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    /// <summary>
    /// Saves, appending new audit entries to the hash chain (<see cref="AuditChain"/>) in the same transaction as the
    /// change they record. Everything else is written first; then the chain's head is locked, the entries linked after it
    /// and written (on PostgreSQL in one statement). The head is the last lock the transaction takes and is held until it commits (a caller should commit
    /// soon after saving), so appends from every process queue briefly, and cannot deadlock with the row locks the change
    /// itself took. Without a transaction of the caller's, one is begun and committed here. Changes are always accepted
    /// on success.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var appended = NewAuditEntries();
        if (appended.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        await using (ownTransaction)
        {
            foreach (var entry in appended)
            {
                Entry(entry).State = EntityState.Detached;
            }

            int written;
            try
            {
                written = ChangeTracker.HasChanges() ? await base.SaveChangesAsync(true, cancellationToken) : 0;
            }
            catch
            {
                AuditEntries.AddRange(appended);
                throw;
            }

            written += await AppendToChainAsync(appended, cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return written;
        }
    }

    /// <summary>
    /// PostgreSQL links and inserts the entries in one statement (<see cref="AuditChainStatement"/>); SQLite, whose
    /// transaction already holds its only write lock and which has no SHA-256, links them here and saves.
    /// </summary>
    private async Task<int> AppendToChainAsync(List<AuditEntry> appended, CancellationToken ct)
    {
        if (Database.IsNpgsql())
        {
            try
            {
                return await AuditChainStatement.InsertLinkedAsync(this, appended, ct);
            }
            catch
            {
                AuditEntries.AddRange(appended.Where(e => Entry(e).State == EntityState.Detached));
                throw;
            }
        }

        AuditEntries.AddRange(appended);
        await AuditChainStore.AppendAsync(this, appended, ct);
        return await base.SaveChangesAsync(true, ct);
    }

    /// <summary>Audit entries are chained as they are saved, which reads the chain's head: that is done asynchronously only.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        NewAuditEntries().Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : throw new InvalidOperationException("Audit entries are appended to their chain asynchronously: save them with SaveChangesAsync.");

    /// <summary>
    /// The version stamp, for contexts made by hand (tests, design time). The portal's own contexts have it in their
    /// pooled options already, and a pooled context may not change its options here.
    /// </summary>
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        if (optionsBuilder.Options.FindExtension<CoreOptionsExtension>()?.Interceptors?.Contains(VersionStamp.Instance) != true)
        {
            optionsBuilder.AddInterceptors(VersionStamp.Instance);
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        // Every versioned entity's Version is checked on update, so racing writers conflict in the database.
        foreach (var entity in builder.Model.GetEntityTypes().Where(e => typeof(IVersioned).IsAssignableFrom(e.ClrType)))
        {
            builder.Entity(entity.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    private List<AuditEntry> NewAuditEntries() =>
        [.. ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)];
}
