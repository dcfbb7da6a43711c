using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// Lets go of VMs the portal says this host should not hold (deleted, or created again elsewhere after this host lost
/// the job): turned off, then deleted with their wrapped key, so the fabric never runs one VM twice.
/// </summary>
public sealed class StrayVmRemover(IHypervisorDriver hypervisor, RegularVmKeyStore regularKeys, ILogger<StrayVmRemover> logger)
{
    public async Task RemoveAsync(IReadOnlyList<Guid> vmIds, CancellationToken ct)
    {
        foreach (var vmId in vmIds)
        {
            if (hypervisor.Find(vmId) is not { } vm)
            {
                continue;
            }

            try
            {
                if (vm.State != VmPowerState.Off)
                {
                    await hypervisor.TurnOffAsync(vmId, ct);
                }

                await hypervisor.DeleteAsync(vmId, ct);
                regularKeys.Delete(vmId);
                logger.LogWarning("Removed VM {VmName} ({VmId}): the fabric deleted it or placed it on another host", vm.Name, vmId);
            }
            catch (HypervisorException e)
            {
                logger.LogWarning("Could not remove stray VM {VmId} ({Error}); trying again at the next heartbeat", vmId, e.Error);
            }
        }
    }
}
