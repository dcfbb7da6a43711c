using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.HostGuardian.Store;

/// <summary>HGS's own store, on its own database (SQLite): never the portal's tables. See docs/decisions/0001-hgs-store.md.</summary>
public sealed class HgsDbContext(DbContextOptions<HgsDbContext> options) : DbContext(options)
{
    public DbSet<RegisteredHost> Hosts => Set<RegisteredHost>();

    public DbSet<HostGroup> HostGroups => Set<HostGroup>();

    public DbSet<TpmBaseline> TpmBaselines => Set<TpmBaseline>();

    public DbSet<CodeIntegrityPolicy> CodeIntegrityPolicies => Set<CodeIntegrityPolicy>();

    public DbSet<IssuedNonce> Nonces => Set<IssuedNonce>();

    public DbSet<AttestationRecord> Attestations => Set<AttestationRecord>();

    public DbSet<RevokedCertificate> RevokedCertificates => Set<RevokedCertificate>();

    public DbSet<HgsAuditEntry> Audit => Set<HgsAuditEntry>();

    public DbSet<ProtectedKey> ProtectedKeys => Set<ProtectedKey>();

    public DbSet<HostMeasurement> Measurements => Set<HostMeasurement>();

    public DbSet<ActivatedAttestationKey> AttestationKeys => Set<ActivatedAttestationKey>();

    public DbSet<PendingActivation> PendingActivations => Set<PendingActivation>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset; the binary form keeps UTC instants ordered.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<Portal.Core.Attestation.AttestationMode>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<Portal.Core.Attestation.AttestationStatus>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RegisteredHost>(host =>
        {
            host.ToTable("Hosts");
            host.Property(h => h.Name).HasMaxLength(128);
            host.HasIndex(h => h.Name).IsUnique();
            host.Property(h => h.EndorsementKeyThumbprint).HasMaxLength(64);
            host.HasIndex(h => h.EndorsementKeyThumbprint).IsUnique();
            host.Property(h => h.HostKeyThumbprint).HasMaxLength(64);
            host.HasIndex(h => h.HostKeyThumbprint).IsUnique();
            host.Property(h => h.Group).HasMaxLength(128);
        });
        modelBuilder.Entity<HostGroup>(group =>
        {
            group.HasKey(g => g.Name);
            group.Property(g => g.Name).HasMaxLength(128);
        });
        modelBuilder.Entity<TpmBaseline>(baseline =>
        {
            baseline.Property(b => b.Name).HasMaxLength(128);
            baseline.Property(b => b.PcrDigest).HasMaxLength(64);
            baseline.HasIndex(b => b.PcrDigest).IsUnique();
            baseline.Property(b => b.Pcrs).HasConversion(PcrValuesColumn.Converter, PcrValuesColumn.Comparer);
            baseline.Property(b => b.CapturedFrom).HasMaxLength(128);
        });
        modelBuilder.Entity<HostMeasurement>(measurement =>
        {
            measurement.HasKey(m => m.HostId);
            measurement.HasOne<RegisteredHost>().WithOne().HasForeignKey<HostMeasurement>(m => m.HostId).OnDelete(DeleteBehavior.Cascade);
            measurement.Property(m => m.Pcrs).HasConversion(PcrValuesColumn.Converter, PcrValuesColumn.Comparer);
            measurement.Property(m => m.PcrDigest).HasMaxLength(64);
        });
        modelBuilder.Entity<ActivatedAttestationKey>(key =>
        {
            key.ToTable("AttestationKeys");
            key.HasKey(k => k.Name);
            key.Property(k => k.Name).HasMaxLength(160);
            key.HasOne<RegisteredHost>().WithMany().HasForeignKey(k => k.HostId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<PendingActivation>(pending =>
        {
            pending.Property(p => p.AttestationKeyName).HasMaxLength(160);
            pending.HasOne<RegisteredHost>().WithMany().HasForeignKey(p => p.HostId).OnDelete(DeleteBehavior.Cascade);
            pending.HasIndex(p => p.ExpiresAt);
        });
        modelBuilder.Entity<CodeIntegrityPolicy>(policy =>
        {
            policy.Property(p => p.Name).HasMaxLength(128);
            policy.Property(p => p.Hash).HasMaxLength(64);
            policy.HasIndex(p => p.Hash).IsUnique();
        });
        modelBuilder.Entity<IssuedNonce>(nonce =>
        {
            nonce.HasKey(n => n.Nonce);
            nonce.HasIndex(n => n.ExpiresAt);
        });
        modelBuilder.Entity<AttestationRecord>(record =>
        {
            record.Property(r => r.HostName).HasMaxLength(128);
            record.Property(r => r.Reason).HasMaxLength(1024);
            record.Property(r => r.TransportKeyThumbprint).HasMaxLength(64);
            record.Property(r => r.RemoteAddress).HasMaxLength(64);
            record.HasIndex(r => new { r.HostId, r.Id });
        });
        modelBuilder.Entity<RevokedCertificate>(revoked =>
        {
            revoked.HasKey(r => r.Serial);
            revoked.Property(r => r.Reason).HasMaxLength(512);
        });
        modelBuilder.Entity<HgsAuditEntry>(entry =>
        {
            entry.ToTable("Audit");
            entry.Property(e => e.Actor).HasMaxLength(160);
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.Subject).HasMaxLength(256);
            entry.Property(e => e.Outcome).HasMaxLength(64);
            entry.Property(e => e.Detail).HasMaxLength(1024);
        });
        modelBuilder.Entity<ProtectedKey>(key =>
        {
            key.HasKey(k => k.Purpose);
            key.Property(k => k.Purpose).HasMaxLength(64);
            key.Property(k => k.Name).HasMaxLength(128);
            key.Property(k => k.Thumbprint).HasMaxLength(64);
        });
    }
}
