namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>The specification's names of event types ("EV_SEPARATOR"), for messages and reviews.</summary>
internal static class TcgEventNames
{
    public static string Of(uint eventType) => eventType switch
    {
        TcgEventType.PrebootCert => "EV_PREBOOT_CERT",
        TcgEventType.PostCode => "EV_POST_CODE",
        0x00000002 => "EV_UNUSED",
        TcgEventType.NoAction => "EV_NO_ACTION",
        TcgEventType.Separator => "EV_SEPARATOR",
        TcgEventType.Action => "EV_ACTION",
        TcgEventType.EventTag => "EV_EVENT_TAG",
        TcgEventType.SCrtmContents => "EV_S_CRTM_CONTENTS",
        TcgEventType.SCrtmVersion => "EV_S_CRTM_VERSION",
        0x00000009 => "EV_CPU_MICROCODE",
        0x0000000A => "EV_PLATFORM_CONFIG_FLAGS",
        0x0000000B => "EV_TABLE_OF_DEVICES",
        0x0000000C => "EV_COMPACT_HASH",
        TcgEventType.Ipl => "EV_IPL",
        0x0000000E => "EV_IPL_PARTITION_DATA",
        0x0000000F => "EV_NONHOST_CODE",
        0x00000010 => "EV_NONHOST_CONFIG",
        0x00000011 => "EV_NONHOST_INFO",
        0x00000012 => "EV_OMIT_BOOT_DEVICE_EVENTS",
        TcgEventType.EfiVariableDriverConfig => "EV_EFI_VARIABLE_DRIVER_CONFIG",
        TcgEventType.EfiVariableBoot => "EV_EFI_VARIABLE_BOOT",
        TcgEventType.EfiBootServicesApplication => "EV_EFI_BOOT_SERVICES_APPLICATION",
        0x80000004 => "EV_EFI_BOOT_SERVICES_DRIVER",
        0x80000005 => "EV_EFI_RUNTIME_SERVICES_DRIVER",
        0x80000006 => "EV_EFI_GPT_EVENT",
        TcgEventType.EfiAction => "EV_EFI_ACTION",
        TcgEventType.EfiPlatformFirmwareBlob => "EV_EFI_PLATFORM_FIRMWARE_BLOB",
        0x80000009 => "EV_EFI_HANDOFF_TABLES",
        0x8000000A => "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
        0x8000000B => "EV_EFI_HANDOFF_TABLES2",
        0x80000010 => "EV_EFI_HCRTM_EVENT",
        TcgEventType.EfiVariableAuthority => "EV_EFI_VARIABLE_AUTHORITY",
        _ => $"0x{eventType:X8}",
    };
}
