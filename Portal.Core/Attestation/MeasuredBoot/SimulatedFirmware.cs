using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// The measured boot a host without firmware of its own plays into its TPM at start (swtpm, or the software TPM): a
/// TCG-style log of what UEFI firmware measures — the CRTM version and firmware blob (PCR 0), configuration (1),
/// option ROMs (2–3), the boot loader (4), GPT and boot variables (5), platform state (6), the Secure Boot variables
/// and the authority that verified the loader (7, with "DMA Protection Disabled" there when the IOMMU is off), a
/// separator in each of 0–7 — then the code-integrity policy in <see cref="PolicyPcrs.CodeIntegrity"/>. Deterministic:
/// the same settings always give the same PCRs, so every healthy simulated host matches one baseline.
/// </summary>
/// <remarks>
/// The code-integrity policy is an EV_EVENT_TAG whose data is exactly the policy's UTF-8 bytes, so its digest is both
/// the SHA-256 of the policy (what HGS allows) and the SHA-256 of the event data (what
/// <see cref="TcgEventLog.VerifyEventDigests"/> checks); no event type is exempt from that check for it. The firmware
/// volume and the boot loader are bytes derived from the version and a fixed name, standing in for images the log
/// does not carry. With Secure Boot off only the SecureBoot variable (0) and the absent authority event change, so
/// only PCR 7 differs; the DMA setting also changes PCR 7 only, the version PCR 0 only, the policy PCR 12 only.
/// </remarks>
public sealed record SimulatedFirmware(
    string Version = SimulatedFirmware.DefaultVersion,
    bool SecureBoot = true,
    bool DmaProtection = true,
    string CodeIntegrityPolicy = SimulatedFirmware.DefaultCodeIntegrityPolicy)
{
    public const string DefaultVersion = "TenantPortal simulated firmware 1.0";

    /// <summary>The policy text simulated hosts enforce by default; HGS allows its SHA-256.</summary>
    public const string DefaultCodeIntegrityPolicy =
        "TenantPortal simulated host code-integrity policy v1: allow Microsoft-signed, block unsigned kernel drivers";

    /// <summary>What Windows measures into PCR 7 when the IOMMU does not protect against DMA.</summary>
    public const string DmaProtectionDisabled = "DMA Protection Disabled";

    private const ulong FirmwareVolumeBase = 0xFFC00000;
    private const int FirmwareVolumeLength = 64 * 1024;
    private const ulong LoaderAddress = 0x7E000000;
    private const int LoaderLength = 32 * 1024;
    private const string LoaderPath = @"\EFI\BOOT\BOOTX64.EFI";

    public static SimulatedFirmware Healthy { get; } = new();

    /// <summary>The measured boot log, in boot order.</summary>
    public TcgEventLog Log()
    {
        var events = new List<TcgEvent>
        {
            OfData(0, TcgEventType.SCrtmVersion, Encoding.Unicode.GetBytes(Version + "\0")),
            FirmwareBlob(),
        };

        events.AddRange(SecureBootVariables.For(SecureBoot).Select(v => OfData(7, TcgEventType.EfiVariableDriverConfig, v.Encode())));
        if (!DmaProtection)
        {
            events.Add(OfData(7, TcgEventType.EfiAction, Encoding.ASCII.GetBytes(DmaProtectionDisabled)));
        }

        events.Add(OfData(1, TcgEventType.EfiVariableBoot, new UefiVariableData(UefiVariableData.GlobalVariable, "BootOrder", [0, 0]).Encode()));
        events.Add(OfData(1, TcgEventType.EfiVariableBoot, new UefiVariableData(UefiVariableData.GlobalVariable, "Boot0000", LoadOption()).Encode()));
        events.Add(OfData(4, TcgEventType.EfiAction, Encoding.ASCII.GetBytes("Calling EFI Application from Boot Option")));
        for (var pcr = 0; pcr <= 7; pcr++)
        {
            events.Add(OfData(pcr, TcgEventType.Separator, new byte[4]));
        }

        if (SecureBoot)
        {
            events.Add(OfData(7, TcgEventType.EfiVariableAuthority, SecureBootVariables.LoaderAuthority().Encode()));
        }

        events.Add(BootLoader());
        events.Add(OfData(5, TcgEventType.EfiAction, Encoding.ASCII.GetBytes("Exit Boot Services Invocation")));
        events.Add(OfData(5, TcgEventType.EfiAction, Encoding.ASCII.GetBytes("Exit Boot Services Returned with Success")));
        events.Add(OfData(PolicyPcrs.CodeIntegrity, TcgEventType.EventTag, Encoding.UTF8.GetBytes(CodeIntegrityPolicy)));
        return TcgEventLog.Of(events);
    }

    /// <summary><paramref name="length"/> bytes that only <paramref name="label"/> determines (SHA-256 in counter mode).</summary>
    internal static byte[] DeterministicBytes(string label, int length)
    {
        var seed = Encoding.UTF8.GetBytes(label);
        var output = new byte[length];
        var block = new byte[seed.Length + 4];
        seed.CopyTo(block, 4);
        for (var (offset, counter) = (0, 0u); offset < length; offset += 32, counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(block, counter);
            SHA256.HashData(block).AsSpan(0, Math.Min(32, length - offset)).CopyTo(output.AsSpan(offset));
        }

        return output;
    }

    private static TcgEvent OfData(int pcr, uint eventType, byte[] data) => new(pcr, eventType, SHA256.HashData(data), data);

    private TcgEvent FirmwareBlob()
    {
        // UEFI_PLATFORM_FIRMWARE_BLOB: where the volume is and how long; the digest is of the volume itself.
        var data = new EventLogWriter();
        data.WriteUInt64(FirmwareVolumeBase);
        data.WriteUInt64(FirmwareVolumeLength);
        var volume = DeterministicBytes("firmware volume\n" + Version, FirmwareVolumeLength);
        return new TcgEvent(0, TcgEventType.EfiPlatformFirmwareBlob, SHA256.HashData(volume), data.ToArray());
    }

    private static TcgEvent BootLoader()
    {
        // UEFI_IMAGE_LOAD_EVENT: location, length, link-time address, then the device path; the digest is of the image.
        var devicePath = DevicePath.File(LoaderPath);
        var data = new EventLogWriter();
        data.WriteUInt64(LoaderAddress);
        data.WriteUInt64(LoaderLength);
        data.WriteUInt64(0);
        data.WriteUInt64((ulong)devicePath.Length);
        data.WriteBytes(devicePath);
        var image = DeterministicBytes("boot loader\n" + LoaderPath, LoaderLength);
        return new TcgEvent(4, TcgEventType.EfiBootServicesApplication, SHA256.HashData(image), data.ToArray());
    }

    private static byte[] LoadOption()
    {
        // EFI_LOAD_OPTION: attributes (LOAD_OPTION_ACTIVE), file path list length, description, file path list.
        var devicePath = DevicePath.File(LoaderPath);
        var option = new EventLogWriter();
        option.WriteUInt32(1);
        option.WriteUInt16((ushort)devicePath.Length);
        option.WriteBytes(Encoding.Unicode.GetBytes("TenantPortal simulated disk\0"));
        option.WriteBytes(devicePath);
        return option.ToArray();
    }
}
