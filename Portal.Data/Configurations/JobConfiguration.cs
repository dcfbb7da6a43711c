using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Fabric;
using Portal.Core.Jobs;
using Portal.Core.Tenants;
using Portal.Core.VirtualMachines;

namespace Portal.Data.Configurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Ignore(j => j.Error);
        builder.Ignore(j => j.IsFinished);
        builder.Ignore(j => j.Progress);
        builder.Property(j => j.ErrorCode).HasMaxLength(JobError.CodeMaxLength);
        builder.Property(j => j.ErrorMessage).HasMaxLength(JobStep.MessageMaxLength);
        builder.Property(j => j.WaitingReason).HasMaxLength(Job.WaitingReasonMaxLength);
        builder.Property(j => j.RequestedBy).HasMaxLength(Job.RequestedByMaxLength);
        builder.Property(j => j.IdempotencyKey).HasMaxLength(Job.IdempotencyKeyMaxLength);

        builder.HasOne<TenantAccount>().WithMany().HasForeignKey(j => j.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<VirtualMachine>().WithMany().HasForeignKey(j => j.VmId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<GuardedHost>().WithMany().HasForeignKey(j => j.HostId).OnDelete(DeleteBehavior.Restrict);

        // The same Idempotency-Key from one tenant names one job.
        builder.HasIndex(j => new { j.TenantId, j.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
        // Claims take the oldest job placed on a host; placement and the reaper scan by state.
        builder.HasIndex(j => new { j.HostId, j.State, j.CreatedAt });
        builder.HasIndex(j => new { j.State, j.CreatedAt });
        builder.HasIndex(j => new { j.VmId, j.CreatedAt });
        builder.HasIndex(j => new { j.TenantId, j.CreatedAt });

        builder.Navigation(j => j.Steps).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.OwnsMany(j => j.Steps, step =>
        {
            step.ToTable("job_steps");
            step.WithOwner().HasForeignKey("JobId");
            step.HasKey("JobId", nameof(JobStep.Order));
            step.Property(s => s.Order).ValueGeneratedNever();
            step.Property(s => s.Message).HasMaxLength(JobStep.MessageMaxLength);
            step.Ignore(s => s.Title);
            step.Ignore(s => s.IsDone);
        });
    }
}
