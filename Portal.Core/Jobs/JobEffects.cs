using Portal.Core.VirtualMachines;

namespace Portal.Core.Jobs;

/// <summary>What a job's end (or its return to the queue) does to its VM.</summary>
public static class JobEffects
{
    public static void ApplyTo(this Job job, VirtualMachine vm, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(vm);
        if (job.VmId != vm.Id)
        {
            throw new ArgumentException("The job is for another VM.", nameof(vm));
        }

        switch (job.State)
        {
            case JobState.Succeeded:
                vm.Complete(job.Type, now);
                break;
            case JobState.Failed or JobState.Cancelled when job.Type == JobType.Create && vm.State == VmState.Provisioning:
                vm.MarkFailed(now, builtOnHost: job.Attempt > 0);
                break;
            case JobState.Queued when job.Type == JobType.Create:
                // Not built anywhere yet: the next placement may choose another host.
                vm.RetryCreation();
                break;
            case JobState.Queued:
            case JobState.Placing:
            case JobState.Running:
            case JobState.Failed:
            case JobState.Cancelled:
                break;
        }
    }
}
