using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Plans;

namespace Portal.Data.Configurations;

internal sealed class AddOnConfiguration : IEntityTypeConfiguration<AddOn>
{
    public void Configure(EntityTypeBuilder<AddOn> builder)
    {
        builder.ToTable("add_ons");
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Name).HasMaxLength(AddOn.NameMaxLength);
        builder.HasIndex(a => a.Name).IsUnique();
        builder.Property(a => a.Description).HasMaxLength(AddOn.DescriptionMaxLength);
        builder.Ignore(a => a.PlanIds);

        builder.ComplexProperty(a => a.Extra, extra =>
        {
            extra.Property(e => e.Vms).HasColumnName("ExtraVms");
            extra.Property(e => e.Vcpus).HasColumnName("ExtraVcpus");
            extra.Property(e => e.MemoryGiB).HasColumnName("ExtraMemoryGiB");
            extra.Property(e => e.StorageGiB).HasColumnName("ExtraStorageGiB");
        });

        builder.OwnsMany(a => a.PlanLinks, link =>
        {
            link.ToTable("add_on_plans");
            link.WithOwner().HasForeignKey("AddOnId");
            link.HasKey("AddOnId", nameof(AddOnPlanLink.PlanId));
            link.HasOne<Plan>().WithMany().HasForeignKey(l => l.PlanId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Navigation(a => a.PlanLinks).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
