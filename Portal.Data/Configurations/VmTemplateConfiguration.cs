using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Gallery;

namespace Portal.Data.Configurations;

internal sealed class VmTemplateConfiguration : IEntityTypeConfiguration<VmTemplate>
{
    public void Configure(EntityTypeBuilder<VmTemplate> builder)
    {
        builder.ToTable("vm_templates");
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(VmTemplate.NameMaxLength);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.Property(t => t.Description).HasMaxLength(VmTemplate.DescriptionMaxLength);
        builder.Property(t => t.OsVersion).HasMaxLength(VmTemplate.OsVersionMaxLength);
        builder.Property(t => t.DiskFileName).HasMaxLength(VmTemplate.DiskFileNameMaxLength);
        builder.Ignore(t => t.IsShieldingCapable);
        builder.Ignore(t => t.HasDisk);
        builder.Property(t => t.DiskSha384).HasMaxLength(TemplateDiskHash.HexLength).IsFixedLength(false);
        builder.HasIndex(t => t.DiskSha384);
        builder.Property(t => t.VscFile);
        builder.HasOne<HardwareProfile>().WithMany().HasForeignKey(t => t.DefaultHardwareProfileId)
            .OnDelete(DeleteBehavior.Restrict);

        // Owned (not complex) because the whole catalog may be absent; its columns sit in the template's row.
        builder.OwnsOne(t => t.Vsc, vsc =>
        {
            vsc.Property(v => v.VscName).HasColumnName("VscName").HasMaxLength(VolumeSignatureCatalogInfo.VscNameMaxLength);
            vsc.Property(v => v.VscVersion).HasColumnName("VscVersion").HasMaxLength(64);
            vsc.Property(v => v.Signer).HasColumnName("VscSigner").HasMaxLength(VolumeSignatureCatalogInfo.SignerMaxLength);
            vsc.Property(v => v.DiskHash).HasColumnName("VscDiskHash").HasMaxLength(VolumeSignatureCatalogInfo.DiskHashMaxLength);
        });
    }
}
