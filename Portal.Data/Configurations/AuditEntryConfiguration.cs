using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Auditing;

namespace Portal.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.Target).HasMaxLength(512);
        builder.Property(a => a.RemoteAddress).HasMaxLength(64);
        builder.Property(a => a.PreviousHash).HasMaxLength(AuditChain.HashLength);
        builder.Property(a => a.Hash).HasMaxLength(AuditChain.HashLength);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.TenantId, a.At });

        // Two appends can never take the same place, whatever happens to the lock that orders them.
        builder.HasIndex(a => a.Sequence).IsUnique();
    }
}
