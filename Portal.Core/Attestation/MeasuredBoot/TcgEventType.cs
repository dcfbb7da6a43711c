namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>Event types of the TCG PC Client Platform Firmware Profile that measured boot uses here.</summary>
public static class TcgEventType
{
    public const uint PrebootCert = 0x00000000;
    public const uint PostCode = 0x00000001;
    public const uint NoAction = 0x00000003;
    public const uint Separator = 0x00000004;
    public const uint Action = 0x00000005;
    public const uint EventTag = 0x00000006;
    public const uint SCrtmContents = 0x00000007;
    public const uint SCrtmVersion = 0x00000008;
    public const uint Ipl = 0x0000000D;
    public const uint EfiVariableDriverConfig = 0x80000001;
    public const uint EfiVariableBoot = 0x80000002;
    public const uint EfiBootServicesApplication = 0x80000003;
    public const uint EfiAction = 0x80000007;
    public const uint EfiPlatformFirmwareBlob = 0x80000008;
    public const uint EfiVariableAuthority = 0x800000E0;
}
