using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Fabric;
using Portal.Core.Gallery;
using Portal.Core.ShieldingData;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;
using Portal.Core.VirtualMachines;

namespace Portal.Data.Configurations;

internal sealed class VirtualMachineConfiguration : IEntityTypeConfiguration<VirtualMachine>
{
    public void Configure(EntityTypeBuilder<VirtualMachine> builder)
    {
        builder.ToTable("virtual_machines");
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.Property(v => v.Name).HasMaxLength(VirtualMachine.NameMaxLength);
        builder.Ignore(v => v.IsLive);
        builder.Property(v => v.KeyProtector).HasMaxLength(Portal.Core.Shielding.KeyProtectors.KeyProtector.MaxBytes);
        builder.HasOne<GuardedHost>().WithMany().HasForeignKey(v => v.HostId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(v => new { v.HostId, v.State });

        // Usage sums the live VMs of one subscription; this index serves that query.
        builder.HasIndex(v => new { v.SubscriptionId, v.State });
        builder.HasIndex(v => new { v.TenantId, v.State });
        builder.HasOne<TenantAccount>().WithMany().HasForeignKey(v => v.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Subscription>().WithMany().HasForeignKey(v => v.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<VmTemplate>().WithMany().HasForeignKey(v => v.TemplateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<HardwareProfile>().WithMany().HasForeignKey(v => v.HardwareProfileId).OnDelete(DeleteBehavior.Restrict);

        // Deleting shielding data is refused while a Provisioning VM uses it; built VMs simply let go of it.
        builder.HasOne<StoredShieldingData>().WithMany().HasForeignKey(v => v.ShieldingDataId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(v => new { v.ShieldingDataId, v.State });

        builder.ComplexProperty(v => v.Resources, amount =>
        {
            amount.Property(a => a.Vms).HasColumnName("Vms");
            amount.Property(a => a.Vcpus).HasColumnName("Vcpus");
            amount.Property(a => a.MemoryGiB).HasColumnName("MemoryGiB");
            amount.Property(a => a.StorageGiB).HasColumnName("StorageGiB");
        });
    }
}
