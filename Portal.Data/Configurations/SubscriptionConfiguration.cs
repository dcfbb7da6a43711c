using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Plans;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;

namespace Portal.Data.Configurations;

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.DisplayName).HasMaxLength(Subscription.DisplayNameMaxLength);
        builder.HasIndex(s => new { s.TenantId, s.State });
        builder.HasIndex(s => s.PlanId);
        builder.HasOne<TenantAccount>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Plan>().WithMany().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Restrict);

        builder.OwnsMany(s => s.AddOns, held =>
        {
            held.ToTable("subscription_add_ons");
            held.WithOwner().HasForeignKey("SubscriptionId");
            held.HasKey("SubscriptionId", nameof(SubscriptionAddOn.AddOnId));
            held.HasOne<AddOn>().WithMany().HasForeignKey(h => h.AddOnId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(s => s.AddOns).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
