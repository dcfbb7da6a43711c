using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Shielding.Guardians;
using Portal.Core.ShieldingData;
using Portal.Core.Tenants;

namespace Portal.Data.Configurations;

internal sealed class StoredShieldingDataConfiguration : IEntityTypeConfiguration<StoredShieldingData>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<StoredShieldingData> builder)
    {
        builder.ToTable("shielding_data");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.FriendlyName).HasMaxLength(StoredShieldingData.FriendlyNameMaxLength);
        builder.HasIndex(s => new { s.TenantId, s.FriendlyName }).IsUnique();
        builder.Property(s => s.Description).HasMaxLength(StoredShieldingData.DescriptionMaxLength);
        builder.Property(s => s.Content);
        builder.Property(s => s.FileSha256).HasMaxLength(Thumbprint.HexLength);
        builder.Property(s => s.UploadedByName).HasMaxLength(256);
        builder.HasOne<TenantAccount>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);

        builder.ComplexProperty(s => s.Owner, owner =>
        {
            owner.Property(o => o.Name).HasColumnName("OwnerName").HasMaxLength(GuardianPublicKeys.NameMaxLength);
            owner.Property(o => o.SigningThumbprint).HasColumnName("OwnerSigningThumbprint").HasMaxLength(Thumbprint.HexLength);
            owner.Property(o => o.EncryptionThumbprint).HasColumnName("OwnerEncryptionThumbprint").HasMaxLength(Thumbprint.HexLength);
        });

        // Public facts only, listed and matched in code: plain JSON text works the same on both providers.
        builder.Property(s => s.Guardians).HasColumnName("GuardiansJson").HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            s => JsonSerializer.Deserialize<List<ShieldingGuardianInfo>>(s, Json) ?? new List<ShieldingGuardianInfo>(),
            ListComparer<ShieldingGuardianInfo>());
        builder.Property(s => s.Qualifiers).HasColumnName("QualifiersJson").HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            s => JsonSerializer.Deserialize<List<ShieldingQualifierInfo>>(s, Json) ?? new List<ShieldingQualifierInfo>(),
            ListComparer<ShieldingQualifierInfo>());
    }

    private static ValueComparer<IReadOnlyList<T>> ListComparer<T>() => new(
        (a, b) => a!.SequenceEqual(b!),
        v => v.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
        v => v.ToList());
}
