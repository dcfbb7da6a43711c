namespace Portal.Core.Fabric.Protocol;

/// <summary>A VM's power state as the hypervisor on its host reports it.</summary>
public enum VmPowerState
{
    Off,
    Starting,
    Running,
    Stopping,
}
