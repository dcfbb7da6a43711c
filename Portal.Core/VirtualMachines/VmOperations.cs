using Portal.Core.Jobs;

namespace Portal.Core.VirtualMachines;

/// <summary>Which operations a VM's state allows; the one rule behind <see cref="VirtualMachine.EnsureCanRun"/> and the portal's buttons.</summary>
public static class VmOperations
{
    /// <summary>The operations a tenant can ask for on an existing VM, in the order a page shows them.</summary>
    public static IReadOnlyList<JobType> DayTwo { get; } = [JobType.Start, JobType.ShutDown, JobType.TurnOff, JobType.Restart, JobType.Delete];

    /// <summary>
    /// True when a VM in <paramref name="state"/> may run <paramref name="type"/>. Create never applies to an existing VM;
    /// another unfinished job for the VM is the caller's check (<see cref="CanRequest"/>).
    /// </summary>
    public static bool Allows(VmState state, JobType type) => type switch
    {
        JobType.Create => false,
        JobType.Start => state == VmState.Stopped,
        JobType.ShutDown or JobType.TurnOff or JobType.Restart => state == VmState.Running,
        JobType.Delete => state is VmState.Running or VmState.Stopped or VmState.Failed,
    };

    /// <summary>What a tenant may ask for now: the state allows it and no other job for the VM is unfinished.</summary>
    public static bool CanRequest(VmState state, bool hasUnfinishedJob, JobType type) => !hasUnfinishedJob && Allows(state, type);
}
