using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Tenants;

namespace Portal.Data.Configurations;

internal sealed class TenantAccountConfiguration : IEntityTypeConfiguration<TenantAccount>
{
    public void Configure(EntityTypeBuilder<TenantAccount> builder)
    {
        builder.ToTable("tenants");
        builder.Property(t => t.Name).HasMaxLength(TenantAccount.NameMaxLength);
        builder.HasIndex(t => t.Name);
    }
}
