using System.Security.Cryptography;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Shielding.DataFiles;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// What one run of a job has gathered between its steps. The secrets (shielding payload, VM keys, specialisation) live
/// here only as long as a step needs them and are zeroed when dropped or when the run ends, however it ends.
/// </summary>
public sealed class JobRun(JobAssignment assignment, bool vmExisted) : IDisposable
{
    private byte[]? _newVmKey;
    private byte[]? _startKey;
    private byte[]? _specialization;

    public JobAssignment Assignment { get; } = assignment;

    public VmSpec Vm => Assignment.Vm;

    /// <summary>The VM was already on this host when the run began: a replayed create builds nothing again.</summary>
    public bool VmExisted { get; } = vmExisted;

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

    public byte[]? Specialization
    {
        get => _specialization;
        set => Replace(ref _specialization, value);
    }

    /// <summary>Drops every secret gathered for writing the disk.</summary>
    public void DropDiskSecrets()
    {
        NewVmKey = null;
        Specialization = null;
        Payload = null;
    }

    public void Dispose()
    {
        DropDiskSecrets();
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
