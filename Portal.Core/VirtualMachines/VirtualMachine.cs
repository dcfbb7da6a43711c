using Portal.Core.Common;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Core.Shielding.DataFiles;

namespace Portal.Core.VirtualMachines;

/// <summary>
/// A tenant's VM: what it consumes against quota, the host it lives on, and — for a shielded VM — its policy and the key
/// protector the host made for it. Jobs change it; its state moves only when a job ends.
/// </summary>
public sealed class VirtualMachine
{
    public const int NameMaxLength = 64;

    private VirtualMachine()
    {
    }

    public Guid Id { get; private set; }

    public Guid TenantId { get; private set; }

    public Guid SubscriptionId { get; private set; }

    public string Name { get; private set; } = "";

    public Guid TemplateId { get; private set; }

    public Guid HardwareProfileId { get; private set; }

    public bool Shielded { get; private set; }

    /// <summary>The tenant's shielding data the VM is specialised from; only a shielded VM has one.</summary>
    public Guid? ShieldingDataId { get; private set; }

    /// <summary>Shielded or EncryptionSupported, from the shielding data; null for a regular VM.</summary>
    public ShieldingPolicy? Policy { get; private set; }

    /// <summary>The host the VM was placed on; null until its create job is placed.</summary>
    public Guid? HostId { get; private set; }

    /// <summary>
    /// The VM key wrapped for the owner and the fabric's guardians (format TPKP), made on the host. Useless without a
    /// guardian's private key; every start has HGS release it to a healthy host.
    /// </summary>
    public byte[]? KeyProtector { get; private set; }

    /// <summary>What this VM counts against its subscription's quota (always one VM).</summary>
    public ResourceAmount Resources { get; private set; } = ResourceAmount.Zero;

    public VmState State { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset StateChangedAt { get; private set; }

    /// <summary>True while the VM counts against quota: every state but Deleted, including Provisioning.</summary>
    public bool IsLive => State != VmState.Deleted;

    /// <summary>A new VM in Provisioning, sized by <paramref name="size"/>. Reserve it through the quota check.</summary>
    public static VirtualMachine Create(
        Guid tenantId, Guid subscriptionId, string name, Guid templateId, HardwareProfile size, bool shielded,
        DateTimeOffset now, Guid? shieldingDataId = null, ShieldingPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (templateId == Guid.Empty)
        {
            throw DomainValidationException.For(nameof(TemplateId), "A template is required.");
        }

        if (shieldingDataId is not null && (!shielded || shieldingDataId == Guid.Empty))
        {
            throw DomainValidationException.For(nameof(ShieldingDataId), "Only a shielded VM is specialised from shielding data.");
        }

        if (shielded != (policy is not null))
        {
            throw DomainValidationException.For(nameof(Policy), "A shielded VM has a shielding policy and a regular VM has none.");
        }

        return new VirtualMachine
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenantId,
            SubscriptionId = subscriptionId,
            Name = Guard.Text(name, nameof(Name), 1, NameMaxLength),
            TemplateId = templateId,
            HardwareProfileId = size.Id,
            Shielded = shielded,
            ShieldingDataId = shieldingDataId,
            Policy = policy,
            Resources = size.ToAmount(),
            State = VmState.Provisioning,
            CreatedAt = now,
            StateChangedAt = now,
        };
    }

    /// <summary>The create job was placed on a host; the VM now counts against that host's capacity.</summary>
    public void AssignHost(Guid hostId)
    {
        if (State != VmState.Provisioning)
        {
            throw new StateConflictException($"VM '{Name}' is {State}; only a VM being created moves to a host.");
        }

        HostId = hostId;
    }

    /// <summary>
    /// The create job went back to the queue (a lost lease, a retry, or a failed creation restarted): the VM is not built
    /// anywhere yet and is Provisioning again.
    /// </summary>
    public void RetryCreation()
    {
        if (State is not (VmState.Provisioning or VmState.Failed))
        {
            throw new StateConflictException($"VM '{Name}' is {State}; only a VM being created can be created again.");
        }

        HostId = null;
        if (State == VmState.Failed)
        {
            MoveTo(VmState.Provisioning, StateChangedAt, true);
        }
    }

    /// <summary>How long after a state change a host's report may contradict it (a heartbeat composed before a job ended).</summary>
    public static readonly TimeSpan PowerReportGrace = TimeSpan.FromSeconds(15);

    /// <summary>
    /// What the VM's host reports outside any job: a Running VM the host has Off (the host restarted, or the guest shut
    /// itself down) is Stopped. Returns true when the state changed.
    /// </summary>
    public bool ObservePowerState(VmPowerState reported, DateTimeOffset now)
    {
        if (State != VmState.Running || reported is not (VmPowerState.Off or VmPowerState.Crashed) || now - StateChangedAt < PowerReportGrace)
        {
            return false;
        }

        MoveTo(VmState.Stopped, now, true);
        return true;
    }

    /// <summary>
    /// True when <paramref name="hostId"/> still holds this VM but should let go of it: the VM was deleted, or it lives
    /// on another host (its create moved there after this host lost the job).
    /// </summary>
    public bool IsStrayOn(Guid hostId) => State == VmState.Deleted || (HostId is { } placed && placed != hostId);

    /// <summary>
    /// Keeps the key protector the host made. A replayed report of the same protector is fine; a different one for a VM
    /// that already has one is refused, so a VM's disk key can never be silently replaced.
    /// </summary>
    public void AttachKeyProtector(byte[] keyProtector)
    {
        ArgumentNullException.ThrowIfNull(keyProtector);
        if (!Shielded)
        {
            throw new StateConflictException($"VM '{Name}' is not shielded; it has no key protector.");
        }

        if (KeyProtector is { } existing)
        {
            if (!existing.AsSpan().SequenceEqual(keyProtector))
            {
                throw new StateConflictException($"VM '{Name}' already has a different key protector.");
            }

            return;
        }

        KeyProtector = [.. keyProtector];
    }

    /// <summary>Refuses an operation the VM's state does not allow (another job in flight is the caller's check).</summary>
    public void EnsureCanRun(JobType type)
    {
        if (!VmOperations.Allows(State, type))
        {
            throw new StateConflictException(type == JobType.Create
                ? $"VM '{Name}' already exists."
                : $"VM '{Name}' is {State}; it cannot {Verb(type)} now.");
        }
    }

    /// <summary>Moves the VM to where a succeeded job leaves it.</summary>
    public void Complete(JobType type, DateTimeOffset now)
    {
        switch (type)
        {
            case JobType.Create:
            case JobType.Start:
            case JobType.Restart:
                MoveTo(VmState.Running, now, State is VmState.Provisioning or VmState.Stopped or VmState.Running);
                break;
            case JobType.ShutDown:
            case JobType.TurnOff:
                MoveTo(VmState.Stopped, now, State is VmState.Running or VmState.Stopped);
                break;
            case JobType.Delete:
                MarkDeleted(now);
                break;
        }
    }

    /// <summary>
    /// Its create job failed for good or was cancelled; it keeps its quota until the tenant deletes it. A VM no host ever
    /// began to build lets go of the host it was placed on, so it no longer holds room there.
    /// </summary>
    public void MarkFailed(DateTimeOffset now, bool builtOnHost = true)
    {
        MoveTo(VmState.Failed, now, State switch
        {
            VmState.Provisioning => true,
            VmState.Running or VmState.Stopped or VmState.Failed or VmState.Deleted => false,
        });
        if (!builtOnHost)
        {
            HostId = null;
        }
    }

    /// <summary>Releases the VM's quota. Allowed from any state but Deleted.</summary>
    public void MarkDeleted(DateTimeOffset now) => MoveTo(VmState.Deleted, now, IsLive);

    /// <summary>
    /// The console shows the guest's screen to whoever holds it — the provider included — so a VM under the Shielded
    /// policy has none. EncryptionSupported and regular VMs may, where the host offers one.
    /// </summary>
    public void EnsureConsoleAllowed()
    {
        if (Policy == ShieldingPolicy.Shielded)
        {
            throw new StateConflictException(
                $"VM '{Name}' is shielded (policy Shielded): console access is refused so that nobody on the fabric can see or type into it.");
        }
    }

    private static string Verb(JobType type) => type switch
    {
        JobType.Create => "be created",
        JobType.Start => "start",
        JobType.ShutDown => "shut down",
        JobType.TurnOff => "turn off",
        JobType.Restart => "restart",
        JobType.Delete => "be deleted",
    };

    private void MoveTo(VmState next, DateTimeOffset now, bool allowed)
    {
        if (!allowed)
        {
            throw new StateConflictException($"VM '{Name}' is {State} and cannot become {next}.");
        }

        State = next;
        StateChangedAt = now;
    }
}
