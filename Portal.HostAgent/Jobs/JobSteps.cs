using System.Security.Cryptography;
using Portal.Core.Attestation;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// What each step does on this host. Steps are idempotent: a replayed job (the host crashed, or the lease moved) finds
/// the VM in the state the step wants and skips it, and never makes a second VM or a second key.
/// </summary>
public sealed class JobSteps(
    IJobChannel portal,
    ITemplateDiskSource templates,
    IHostHealth health,
    IKeyReleaseClient keyRelease,
    IHypervisorDriver hypervisor,
    RegularVmKeyStore regularKeys,
    TimeProvider time)
{
    /// <summary>Values for the answer file's substitution strings; those without one are left as written.</summary>
    public static IReadOnlyDictionary<string, string> Substitutions(VmSpec vm) => new Dictionary<string, string>
    {
        [AnswerFileSubstitutions.ComputerName] = vm.Name,
        [AnswerFileSubstitutions.TimeZone] = "UTC",
    };

    public Task<StepResult> RunAsync(JobStepKind step, JobRun run, CancellationToken ct) => step switch
    {
        JobStepKind.FetchTemplateDisk => FetchTemplateDiskAsync(run, ct),
        JobStepKind.VerifyTemplateDisk => VerifyTemplateDiskAsync(run, ct),
        JobStepKind.Attest => AttestAsync(ct),
        JobStepKind.OpenShieldingData => OpenShieldingDataAsync(run, ct),
        JobStepKind.CreateKeyProtector => CreateKeyProtectorAsync(run, ct),
        JobStepKind.Specialize => Task.FromResult(Specialize(run)),
        JobStepKind.WriteDisk => WriteDiskAsync(run, ct),
        JobStepKind.ReleaseKeyProtector => ReleaseKeyProtectorAsync(run, ct),
        JobStepKind.StartVm => StartAsync(run, ct),
        JobStepKind.SpecializeGuest => SpecializeGuestAsync(run, ct),
        JobStepKind.ShutDownVm => ShutDownAsync(run, ct),
        JobStepKind.TurnOffVm => TurnOffAsync(run, ct),
        JobStepKind.DeleteVm => DeleteAsync(run, ct),
    };

    private static StepResult AlreadyBuilt() => StepResult.Skip("The VM already exists on this host; it is not built again.");

    private static StepResult AlreadySpecialized() => StepResult.Skip("The guest was specialised at its first boot; it is not specialised again.");

    private async Task<StepResult> FetchTemplateDiskAsync(JobRun run, CancellationToken ct)
    {
        if (run.VmExisted)
        {
            return AlreadyBuilt();
        }

        var disk = run.Vm.TemplateDisk ?? throw Fail("NoTemplateDisk", "The job names no template disk to build the VM from.");
        run.TemplateDiskPath = await templates.GetVerifiedDiskAsync(disk.Sha384, disk.SizeBytes, ct);
        return StepResult.Done($"The template disk ({disk.SizeBytes} bytes) is on this host.");
    }

    private async Task<StepResult> VerifyTemplateDiskAsync(JobRun run, CancellationToken ct)
    {
        if (run.VmExisted)
        {
            return AlreadyBuilt();
        }

        var disk = run.Vm.TemplateDisk ?? throw Fail("NoTemplateDisk", "The job names no template disk to build the VM from.");
        var path = run.TemplateDiskPath ?? throw Fail("NoTemplateDisk", "The template disk was not fetched.");
        if (run.Vm.Shielded)
        {
            if (!run.Vm.HasShieldingData)
            {
                throw Fail("NoShieldingData", "A shielded VM needs shielding data; the job has none.");
            }

            // Fetched under the lease; reading its owner-signed public part needs no key.
            var bytes = await portal.GetShieldingDataAsync(run.Assignment.JobId, run.Assignment.FencingToken, ct);
            run.ShieldingData = ShieldingDataFile.Read(bytes);
        }

        return StepResult.Done(await TemplateDiskVerifier.VerifyAsync(path, disk, run.ShieldingData?.Metadata, ct));
    }

    private async Task<StepResult> AttestAsync(CancellationToken ct)
    {
        if (health.IsHealthy && health.Current is { } current)
        {
            return StepResult.Done($"This host holds a valid health certificate (until {current.ValidUntil:u}).");
        }

        var outcome = await health.AttestNowAsync(ct);
        if (outcome.IsHealthyAt(time.GetUtcNow()))
        {
            return StepResult.Done($"This host passed attestation; its health certificate is valid until {outcome.ValidUntil:u}.");
        }

        var status = outcome.Status == AttestationStatus.Passed ? AttestationStatus.Expired : outcome.Status;
        throw new JobStepFailedException(status.ToString(), $"{status} ({outcome.SubStatus}): {outcome.Reason}",
            retryable: status == AttestationStatus.TransientError);
    }

    private async Task<StepResult> OpenShieldingDataAsync(JobRun run, CancellationToken ct)
    {
        if (run.GuestSpecialized)
        {
            return AlreadySpecialized();
        }

        // A VM built by an earlier attempt but never specialised still needs its secrets for its first boot.
        run.ShieldingData ??= ShieldingDataFile.Read(await portal.GetShieldingDataAsync(run.Assignment.JobId, run.Assignment.FencingToken, ct));
        var file = run.ShieldingData;
        var contentKey = await keyRelease.ReleaseShieldingDataKeyAsync(file.ToArray(), ct);
        try
        {
            run.Payload = file.OpenWithContentKey(contentKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }

        return StepResult.Done($"HGS released the shielding data's key to this host; {run.Payload.Describe().Count} secrets are open in memory only.");
    }

    private async Task<StepResult> CreateKeyProtectorAsync(JobRun run, CancellationToken ct)
    {
        if (run.Vm.KeyProtector is not null)
        {
            return StepResult.Skip("The VM already has a key protector; its key will come from HGS.");
        }

        if (run.VmExisted)
        {
            throw Fail("NoKeyProtector", "The VM exists on this host but the portal holds no key protector for it.");
        }

        var metadata = (run.ShieldingData ?? throw Fail("NoShieldingData", "The shielding data was not fetched.")).Metadata;
        var key = KeyProtector.GenerateKey();
        run.NewVmKey = key;
        var protector = KeyProtector.Create(metadata.Owner, metadata.Guardians, key).ToArray();

        // The portal keeps the protector before any disk exists, so a replayed or moved job reuses it and never makes a second key.
        await portal.ReportKeyProtectorAsync(run.Assignment.JobId, new KeyProtectorReport(run.Assignment.FencingToken, protector), ct);
        run.KeyProtector = protector;
        return StepResult.Done($"Made the VM's key on this host and its key protector for the owner and {metadata.Guardians.Count} guardians.");
    }

    private static StepResult Specialize(JobRun run)
    {
        if (run.GuestSpecialized)
        {
            return AlreadySpecialized();
        }

        var payload = run.Payload ?? throw Fail("NoShieldingData", "The shielding data was not opened.");
        var substitutions = Substitutions(run.Vm);
        run.Specialization = GuestSpecialization.Build(run.Vm.Name, payload, substitutions);
        run.Payload = null;
        var used = payload.AnswerFile is null
            ? "no answer file"
            : AnswerFileSubstitutions.Find(payload.AnswerFile) is { Count: > 0 } found
                ? $"answer file with {string.Join(", ", found.Where(substitutions.ContainsKey))} filled in"
                : "answer file without substitution strings";
        return StepResult.Done($"Prepared the VM's specialisation in memory ({used}); only the guest receives it, at its first boot.");
    }

    private async Task<StepResult> WriteDiskAsync(JobRun run, CancellationToken ct)
    {
        if (hypervisor.Find(run.Vm.Id) is not null)
        {
            return AlreadyBuilt();
        }

        var path = run.TemplateDiskPath ?? throw Fail("NoTemplateDisk", "The template disk was not fetched.");
        var sha384 = run.Vm.TemplateDisk?.Sha384 ?? throw Fail("NoTemplateDisk", "The job names no template disk to build the VM from.");
        var key = run.Vm.Shielded ? await ShieldedVmKeyAsync(run, ct) : regularKeys.Create(run.Vm.Id);
        try
        {
            var vm = run.Vm;
            await hypervisor.CreateAsync(new VmDefinition(vm.Id, vm.Name, vm.Size, vm.Shielded), path, sha384, key, ct);
        }
        catch (Exception e) when (!run.Vm.Shielded && e is not HypervisorException { Error: HypervisorError.AlreadyExists })
        {
            regularKeys.Delete(run.Vm.Id);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            run.NewVmKey = null;
        }

        return StepResult.Done(run.Vm.Shielded
            ? "Wrote the VM's disk from the template, encrypted with its key; the key was then dropped, so every start asks HGS for it."
            : "Wrote the VM's disk from the template, encrypted with its key, which this host keeps only wrapped for its TPM.");
    }

    /// <summary>The key made in this run, or — when the VM already had a key protector — the key HGS releases from it.</summary>
    private async Task<byte[]> ShieldedVmKeyAsync(JobRun run, CancellationToken ct)
    {
        if (run.NewVmKey is { } made)
        {
            return (byte[])made.Clone();
        }

        var protector = run.Vm.KeyProtector ?? throw Fail("NoKeyProtector", "The VM has no key protector to take its key from.");
        return await keyRelease.ReleaseKeyProtectorAsync(protector, ct);
    }

    private async Task<StepResult> ReleaseKeyProtectorAsync(JobRun run, CancellationToken ct)
    {
        if (hypervisor.Find(run.Vm.Id) is { State: VmPowerState.Running })
        {
            return StepResult.Skip("The VM is already running; no key is needed.");
        }

        var protector = run.KeyProtector ?? run.Vm.KeyProtector
            ?? throw Fail("NoKeyProtector", "The VM has no key protector, so HGS cannot release its key.");
        run.StartKey = await keyRelease.ReleaseKeyProtectorAsync(protector, ct);
        return StepResult.Done("HGS released the VM's key to this host for this start.");
    }

    private async Task<StepResult> StartAsync(JobRun run, CancellationToken ct)
    {
        var vm = hypervisor.Find(run.Vm.Id) ?? throw NotHere();
        if (vm.State == VmPowerState.Running)
        {
            return StepResult.Skip("The VM is already running.");
        }

        var key = run.Vm.Shielded
            ? run.StartKey ?? throw Fail("NoVmKey", "HGS released no key for this start.")
            : regularKeys.Open(vm.Id);
        try
        {
            await hypervisor.StartAsync(vm.Id, key, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            run.StartKey = null;
        }

        var info = hypervisor.Info;
        return StepResult.Done($"The VM is running ({info.Driver}, {info.Acceleration}); its guest booted.");
    }

    private async Task<StepResult> SpecializeGuestAsync(JobRun run, CancellationToken ct)
    {
        var vm = hypervisor.Find(run.Vm.Id) ?? throw NotHere();
        if (vm.Specialized)
        {
            return AlreadySpecialized();
        }

        var archive = run.Specialization ?? (run.Vm.Shielded
            ? throw Fail("NoShieldingData", "The specialisation was not prepared; a shielded VM is specialised only from its shielding data.")
            : GuestSpecialization.Build(run.Vm.Name));
        try
        {
            var result = await hypervisor.SpecializeAsync(vm.Id, archive, run.Progress, ct);
            return StepResult.Done($"The guest applied its specialisation to its encrypted disk and reported \"{result.Report}\".");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(archive);
            run.Specialization = null;
        }
    }

    private async Task<StepResult> ShutDownAsync(JobRun run, CancellationToken ct)
    {
        var vm = hypervisor.Find(run.Vm.Id) ?? throw NotHere();
        if (vm.State == VmPowerState.Off)
        {
            return StepResult.Skip("The VM is already off.");
        }

        await hypervisor.ShutDownAsync(vm.Id, ct);
        return StepResult.Done("The guest shut down; the VM is off.");
    }

    private async Task<StepResult> TurnOffAsync(JobRun run, CancellationToken ct)
    {
        var vm = hypervisor.Find(run.Vm.Id);
        if (vm is null && run.Assignment.Type == JobType.Delete)
        {
            return StepResult.Skip("The VM is not on this host.");
        }

        if ((vm ?? throw NotHere()).State == VmPowerState.Off)
        {
            return StepResult.Skip("The VM is already off.");
        }

        await hypervisor.TurnOffAsync(vm.Id, ct);
        return StepResult.Done("The VM was turned off.");
    }

    private async Task<StepResult> DeleteAsync(JobRun run, CancellationToken ct)
    {
        var id = run.Vm.Id;
        var exists = hypervisor.Find(id) is not null;
        if (exists)
        {
            await hypervisor.DeleteAsync(id, ct);
        }

        regularKeys.Delete(id);
        return exists
            ? StepResult.Done("Deleted the VM, its disk and any key this host kept for it.")
            : StepResult.Skip("The VM is not on this host.");
    }

    private static JobStepFailedException NotHere() => Fail("NotFound", "The VM is not on this host.");

    private static JobStepFailedException Fail(string code, string message) => new(code, message, retryable: false);
}
