using System.Security.Cryptography;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Shielding.DataFiles;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// What one run of a job has gathered between its steps. The secrets (shielding payload, VM keys, specialisation) live
/// here only as long as a step needs them and are zeroed when dropped or when the run ends, however it ends.
/// </summary>
public sealed class JobRun(JobAssignment assignment, VmInfo? existing) : IDisposable
{
    private byte[]? _newVmKey;
    private byte[]? _startKey;
    private byte[]? _specialization;

    public JobAssignment Assignment { get; } = assignment;

    public VmSpec Vm => Assignment.Vm;

    /// <summary>The VM was already on this host when the run began: a replayed create builds nothing again.</summary>
    public bool VmExisted { get; } = existing is not null;

    /// <summary>The VM was already on this host and its guest applied its specialisation: nothing secret is needed again.</summary>
    public bool GuestSpecialized { get; } = existing is { Specialized: true };

    /// <summary>Where the running step reports its progress in words (never a secret).</summary>
    public IProgress<string> Progress { get; set; } = new Progress<string>();

    public string? TemplateDiskPath { get; set; }

    /// <summary>The sealed file as the portal sent it (public metadata readable, secrets sealed).</summary>
    public ShieldingDataFile? ShieldingData { get; set; }

    public ShieldingPayload? Payload { get; set; }

    /// <summary>The key protector made in this run; null when the VM already had one.</summary>
    public byte[]? KeyProtector { get; set; }

    /// <summary>The VM key made in this run, kept only until the disk is written.</summary>
    public byte[]? NewVmKey
    {
        get => _newVmKey;
        set => Replace(ref _newVmKey, value);
    }

    /// <summary>The key HGS released for starting the VM, kept only until it starts.</summary>
    public byte[]? StartKey
    {
        get => _startKey;
        set => Replace(ref _startKey, value);
    }

    /// <summary>The archive the guest specialises itself with, kept only until it has it.</summary>
    public byte[]? Specialization
    {
        get => _specialization;
        set => Replace(ref _specialization, value);
    }

    public void Dispose()
    {
        NewVmKey = null;
        Specialization = null;
        Payload = null;
        StartKey = null;
    }

    private static void Replace(ref byte[]? field, byte[]? value)
    {
        if (field is not null && !ReferenceEquals(field, value))
        {
            CryptographicOperations.ZeroMemory(field);
        }

        field = value;
    }
}
