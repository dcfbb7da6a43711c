using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// Keys of regular (not shielded) VMs, which HGS does not hold: each is kept in <c>{DataFolder}/vm-keys/{vmId}.key</c>
/// only wrapped (RSA-OAEP) for the host's transport key, so the file is useless without the host's TPM. A plain VM
/// key never touches the disk.
/// </summary>
public sealed class RegularVmKeyStore(IOptions<HostAgentOptions> options, HostTransportKey transportKey)
{
    public const string FolderName = "vm-keys";

    public string Folder => Path.Combine(Path.GetFullPath(options.Value.DataFolder), FolderName);

    public string PathOf(Guid vmId) => Path.Combine(Folder, $"{vmId}.key");

    /// <summary>Makes a new key for the VM, stores it wrapped and returns it; the caller zeroes it.</summary>
    public byte[] Create(Guid vmId)
    {
        var key = KeyProtector.GenerateKey();
        try
        {
            using var publicKey = RSA.Create();
            publicKey.ImportSubjectPublicKeyInfo(transportKey.PublicKey.Span, out _);
            Write(PathOf(vmId), KeyWrap.Wrap(key, publicKey));
            return key;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(key);
            throw;
        }
    }

    /// <summary>The VM's key, unwrapped by the TPM; the caller zeroes it.</summary>
    public byte[] Open(Guid vmId)
    {
        var path = PathOf(vmId);
        if (!File.Exists(path))
        {
            throw new JobStepFailedException("VmKeyMissing", "This host holds no key for the VM.", retryable: false);
        }

        return transportKey.Unwrap(File.ReadAllBytes(path))
            ?? throw new JobStepFailedException("VmKeyMismatch", "The VM's key file does not unwrap with this host's transport key.", retryable: false);
    }

    public void Delete(Guid vmId)
    {
        var path = PathOf(vmId);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private void Write(string path, byte[] wrapped)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
        }
        else
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = path + ".tmp";
        File.Delete(temporary);
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, file))
        {
            stream.Write(wrapped);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
