using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Fabric;

namespace Portal.Data.Configurations;

internal sealed class HostJoinTokenConfiguration : IEntityTypeConfiguration<HostJoinToken>
{
    public void Configure(EntityTypeBuilder<HostJoinToken> builder)
    {
        builder.ToTable("host_join_tokens");
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.Property(t => t.SecretHash).HasMaxLength(32);
        builder.HasIndex(t => t.SecretHash).IsUnique();
        builder.HasOne<GuardedHost>().WithMany().HasForeignKey(t => t.HostId).OnDelete(DeleteBehavior.SetNull);
    }
}
