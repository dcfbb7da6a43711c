using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>
/// The keys a QEMU VM uses, each derived from its 32-byte VM key with HKDF-SHA256 under its own label: the LUKS passphrase
/// of its disk (base64 text, since LUKS needs valid UTF-8) and the AES-256 key of its vTPM state. The caller zeroes them.
/// </summary>
public static class QemuKeys
{
    public const int VmKeySize = 32;

    private static readonly byte[] DiskLabel = Encoding.ASCII.GetBytes("TenantPortal QEMU disk passphrase v1");
    private static readonly byte[] TpmLabel = Encoding.ASCII.GetBytes("TenantPortal QEMU vTPM state key v1");

    /// <summary>The disk's LUKS passphrase as UTF-8 bytes (44 base64 characters).</summary>
    public static byte[] DiskPassphrase(ReadOnlySpan<byte> vmKey)
    {
        Span<byte> derived = stackalloc byte[32];
        try
        {
            Derive(vmKey, DiskLabel, derived);
            var text = new byte[Base64.GetMaxEncodedToUtf8Length(derived.Length)];
            Base64.EncodeToUtf8(derived, text, out _, out _);
            return text;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    public static byte[] TpmStateKey(ReadOnlySpan<byte> vmKey)
    {
        var key = new byte[32];
        Derive(vmKey, TpmLabel, key);
        return key;
    }

    private static void Derive(ReadOnlySpan<byte> vmKey, ReadOnlySpan<byte> label, Span<byte> output)
    {
        if (vmKey.Length != VmKeySize)
        {
            throw new HypervisorException(HypervisorError.WrongKey, $"A VM key is {VmKeySize} bytes.");
        }

        HKDF.DeriveKey(HashAlgorithmName.SHA256, vmKey, output, salt: [], info: label);
    }
}
