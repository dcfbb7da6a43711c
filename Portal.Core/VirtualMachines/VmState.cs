namespace Portal.Core.VirtualMachines;

public enum VmState
{
    /// <summary>Reserved against quota; the job that creates it has not finished.</summary>
    Provisioning,

    Running,

    Stopped,

    /// <summary>Creation failed; it still holds its quota until the tenant deletes it.</summary>
    Failed,

    /// <summary>Gone for good; the only state that no longer counts against quota.</summary>
    Deleted,
}
