using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Gallery;
using Portal.Core.Plans;

namespace Portal.Data.Configurations;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> builder)
    {
        builder.ToTable("plans");
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Name).HasMaxLength(Plan.NameMaxLength);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Description).HasMaxLength(Plan.DescriptionMaxLength);
        builder.Property(p => p.InvitationCode).HasMaxLength(Plan.InvitationCodeMaxLength);
        builder.HasIndex(p => p.State);
        builder.Ignore(p => p.OfferedTemplateIds);
        builder.Ignore(p => p.OfferedHardwareProfileIds);
        builder.Ignore(p => p.RequiresInvitation);

        builder.ComplexProperty(p => p.Quota, quota =>
        {
            quota.Property(q => q.MaxVms).HasColumnName("QuotaVms");
            quota.Property(q => q.MaxVcpus).HasColumnName("QuotaVcpus");
            quota.Property(q => q.MaxMemoryGiB).HasColumnName("QuotaMemoryGiB");
            quota.Property(q => q.MaxStorageGiB).HasColumnName("QuotaStorageGiB");
        });

        builder.OwnsMany(p => p.TemplateOfferings, offering =>
        {
            offering.ToTable("plan_templates");
            offering.WithOwner().HasForeignKey("PlanId");
            offering.HasKey("PlanId", nameof(PlanTemplateOffering.TemplateId));
            offering.HasOne<VmTemplate>().WithMany().HasForeignKey(o => o.TemplateId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(p => p.TemplateOfferings).UsePropertyAccessMode(PropertyAccessMode.Field);

        builder.OwnsMany(p => p.HardwareProfileOfferings, offering =>
        {
            offering.ToTable("plan_hardware_profiles");
            offering.WithOwner().HasForeignKey("PlanId");
            offering.HasKey("PlanId", nameof(PlanHardwareProfileOffering.HardwareProfileId));
            offering.HasOne<HardwareProfile>().WithMany().HasForeignKey(o => o.HardwareProfileId)
                .OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(p => p.HardwareProfileOfferings).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
