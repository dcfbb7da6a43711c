using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Fabric;

namespace Portal.Data.Configurations;

internal sealed class GuardedHostConfiguration : IEntityTypeConfiguration<GuardedHost>
{
    public void Configure(EntityTypeBuilder<GuardedHost> builder)
    {
        builder.ToTable("guarded_hosts");
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Property(h => h.Name).HasMaxLength(GuardedHost.NameMaxLength);
        builder.Property(h => h.CredentialPrefix).HasMaxLength(16);
        builder.Property(h => h.CredentialHash).HasMaxLength(32);
        builder.Property(h => h.AgentVersion).HasMaxLength(GuardedHost.AgentVersionMaxLength);
        builder.Property(h => h.Hypervisor).HasMaxLength(GuardedHost.HypervisorMaxLength);
        builder.Property(h => h.Tpm).HasMaxLength(GuardedHost.TpmMaxLength);
        builder.Property(h => h.Acceleration).HasMaxLength(GuardedHost.AccelerationMaxLength);
        builder.Property(h => h.TransportKey).HasMaxLength(2048);
        builder.Property(h => h.AttestationReason).HasMaxLength(GuardedHost.ReasonMaxLength);

        // Sub-status is a flags enum: several names joined by commas outgrow the default enum column.
        builder.Property(h => h.AttestationSubStatus).HasMaxLength(200);

        // A name is taken while its host is in the fabric; a removed host's name may be joined again.
        builder.HasIndex(h => h.Name).IsUnique().HasFilter("\"State\" <> 'Removed'");
        builder.HasIndex(h => h.CredentialHash).IsUnique();

        builder.ComplexProperty(h => h.Capacity, amount =>
        {
            amount.Property(a => a.Vcpus).HasColumnName("CapacityVcpus");
            amount.Property(a => a.MemoryGiB).HasColumnName("CapacityMemoryGiB");
            amount.Property(a => a.StorageGiB).HasColumnName("CapacityStorageGiB");
        });
        builder.ComplexProperty(h => h.Used, amount =>
        {
            amount.Property(a => a.Vcpus).HasColumnName("UsedVcpus");
            amount.Property(a => a.MemoryGiB).HasColumnName("UsedMemoryGiB");
            amount.Property(a => a.StorageGiB).HasColumnName("UsedStorageGiB");
        });
    }
}
