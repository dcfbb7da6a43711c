using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
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

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.AddInterceptors(VersionStamp.Instance);

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
}
