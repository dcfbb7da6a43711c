namespace Portal.Core.Fabric.Protocol;

/// <summary>A VM's power state as the hypervisor on its host reports it.</summary>
public enum VmPowerState
{
    Off,
    Starting,
    Running,
    Stopping,

    /// <summary>The VM stopped without its guest shutting down (its hypervisor process died); it is off.</summary>
    Crashed,
}
