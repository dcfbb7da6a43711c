using System.Security.Cryptography;
using System.Text;
using Portal.Core.Attestation;
using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.Core.Tests.Attestation.MeasuredBoot;

public class BootMeasurementsTests
{
    private static readonly Guid GlobalVariable = new("8BE4DF61-93CA-11D2-AA0D-00E098032B8C");

    [Theory]
    [InlineData(true, true, AttestationSubStatus.None)]
    [InlineData(false, true, AttestationSubStatus.SecureBoot)]
    [InlineData(true, false, AttestationSubStatus.Iommu)]
    [InlineData(false, false, AttestationSubStatus.SecureBoot | AttestationSubStatus.Iommu)]
    public void Findings_NameTheSettingsThatAreOff(bool secureBoot, bool dmaProtection, AttestationSubStatus expected)
    {
        var log = new SimulatedFirmware(SecureBoot: secureBoot, DmaProtection: dmaProtection).Log();

        Assert.Equal(expected, BootMeasurements.Findings(TcgEventLog.Parse(log.ToBytes())));
    }

    [Fact]
    public void Findings_LogWithoutTheSecureBootVariable_IsSecureBootOff()
    {
        var events = SimulatedFirmware.Healthy.Log().Events.Where(e => !IsVariable(e, "SecureBoot")).ToList();

        Assert.Equal(AttestationSubStatus.SecureBoot, BootMeasurements.Findings(TcgEventLog.Of(events)));
    }

    [Theory]
    [InlineData(new byte[] { 1 }, new byte[] { 0 }, AttestationSubStatus.SecureBoot)]
    [InlineData(new byte[] { 0 }, new byte[] { 1 }, AttestationSubStatus.None)]
    [InlineData(new byte[] { 1 }, new byte[] { 2 }, AttestationSubStatus.SecureBoot)]
    [InlineData(new byte[] { 1 }, new byte[] { 1, 0 }, AttestationSubStatus.SecureBoot)]
    [InlineData(new byte[] { 1 }, new byte[0], AttestationSubStatus.SecureBoot)]
    public void Findings_TheLastSecureBootMeasurementWins_AndOnlyExactly1IsOn(byte[] first, byte[] last, AttestationSubStatus expected)
    {
        var log = TcgEventLog.Of([Variable(7, GlobalVariable, "SecureBoot", first), Variable(7, GlobalVariable, "SecureBoot", last)]);

        Assert.Equal(expected, BootMeasurements.Findings(log));
    }

    [Fact]
    public void Findings_SecureBootVariableOfAnotherVendorOrPcr_DoesNotCount()
    {
        var log = TcgEventLog.Of(
        [
            Variable(7, GlobalVariable, "SecureBoot", [0]),
            Variable(7, Guid.Parse("D719B2CB-3D3A-4596-A3BC-DAD00E67656F"), "SecureBoot", [1]),
            Variable(1, GlobalVariable, "SecureBoot", [1]),
        ]);

        Assert.Equal(AttestationSubStatus.SecureBoot, BootMeasurements.Findings(log));
    }

    [Fact]
    public void Findings_DmaProtectionDisabledOutsidePcr7_DoesNotCount()
    {
        var events = SimulatedFirmware.Healthy.Log().Events.Append(Action(5, "DMA Protection Disabled")).ToList();

        Assert.Equal(AttestationSubStatus.None, BootMeasurements.Findings(TcgEventLog.Of(events)));
    }

    [Fact]
    public void CodeIntegrityPolicy_IsTheUpperCaseSha256OfThePolicyText()
    {
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(SimulatedFirmware.DefaultCodeIntegrityPolicy)));

        var actual = BootMeasurements.CodeIntegrityPolicy(SimulatedFirmware.Healthy.Log());

        Assert.Equal(expected, actual);
        Assert.Equal(actual!.ToUpperInvariant(), actual);
        Assert.Equal(
            Convert.ToHexString(SHA256.HashData("other policy"u8)),
            BootMeasurements.CodeIntegrityPolicy(new SimulatedFirmware(CodeIntegrityPolicy: "other policy").Log()));
    }

    [Fact]
    public void CodeIntegrityPolicy_IsNullWhenNoneWasMeasured_AndTheLastWhenSeveralWere()
    {
        var firmwareOnly = SimulatedFirmware.Healthy.Log().Events.Where(e => e.Pcr != 12).ToList();
        Assert.Null(BootMeasurements.CodeIntegrityPolicy(TcgEventLog.Of(firmwareOnly)));

        byte[] first = "first"u8.ToArray(), last = "last"u8.ToArray();
        var log = TcgEventLog.Of(
        [
            new TcgEvent(12, TcgEventType.EventTag, SHA256.HashData(first), first),
            new TcgEvent(12, TcgEventType.EventTag, SHA256.HashData(last), last),
            new TcgEvent(13, TcgEventType.EventTag, SHA256.HashData(first), first),
            Action(12, "not a policy"),
        ]);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(last)), BootMeasurements.CodeIntegrityPolicy(log));
    }

    [Fact]
    public void Describe_GivesOneReadableLinePerEvent()
    {
        var log = new SimulatedFirmware(DmaProtection: false).Log();

        var lines = BootMeasurements.Describe(log);

        Assert.Equal(log.Events.Count, lines.Count);
        Assert.Equal("PCR 0 · EV_S_CRTM_VERSION · TenantPortal simulated firmware 1.0", lines[0]);
        Assert.Contains("PCR 7 · EV_EFI_VARIABLE_DRIVER_CONFIG · SecureBoot = 1", lines);
        Assert.Contains("PCR 7 · EV_EFI_ACTION · DMA Protection Disabled", lines);
        Assert.Contains("PCR 3 · EV_SEPARATOR · 00000000", lines);
        Assert.Contains(lines, l => l.StartsWith("PCR 7 · EV_EFI_VARIABLE_DRIVER_CONFIG · db · ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("PCR 7 · EV_EFI_VARIABLE_AUTHORITY · db · ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("PCR 0 · EV_EFI_PLATFORM_FIRMWARE_BLOB · 0xFFC00000 + 65536 bytes · ", StringComparison.Ordinal));
        var loader = log.Events.Single(e => e.EventType == TcgEventType.EfiBootServicesApplication);
        Assert.Contains($"PCR 4 · EV_EFI_BOOT_SERVICES_APPLICATION · {Convert.ToHexString(loader.Sha256Digest)[..16]}", lines);
        var policy = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(SimulatedFirmware.DefaultCodeIntegrityPolicy)))[..16];
        Assert.Equal($"PCR 12 · EV_EVENT_TAG · code-integrity policy {policy}", lines[^1]);
    }

    [Fact]
    public void Describe_SecureBootOff_SaysSo()
    {
        Assert.Contains("PCR 7 · EV_EFI_VARIABLE_DRIVER_CONFIG · SecureBoot = 0",
            BootMeasurements.Describe(new SimulatedFirmware(SecureBoot: false).Log()));
    }

    [Fact]
    public void Describe_TextFromTheHost_LosesControlCharactersAndIsCut()
    {
        var log = TcgEventLog.Of([Action(5, "line one\r\nline\ttwo\u001b[31m" + new string('x', 200)), new TcgEvent(9, 0x12345678, new byte[32], [])]);

        var lines = BootMeasurements.Describe(log);

        Assert.DoesNotContain(lines[0], char.IsControl);
        Assert.StartsWith("PCR 5 · EV_EFI_ACTION · line onelinetwo[31mxxx", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("x…", lines[0], StringComparison.Ordinal);
        Assert.Equal("PCR 5 · EV_EFI_ACTION · ".Length + 80 + 1, lines[0].Length);
        Assert.Equal("PCR 9 · 0x12345678 · 0000000000000000", lines[1]);
    }

    private static bool IsVariable(TcgEvent e, string name) =>
        e.EventType == TcgEventType.EfiVariableDriverConfig && e.Data.Length > 32 &&
        Encoding.Unicode.GetString(e.Data.AsSpan(32, name.Length * 2)) == name;

    private static TcgEvent Variable(int pcr, Guid vendor, string name, byte[] data)
    {
        byte[] encoded =
        [
            .. vendor.ToByteArray(), .. BitConverter.GetBytes((ulong)name.Length), .. BitConverter.GetBytes((ulong)data.Length),
            .. Encoding.Unicode.GetBytes(name), .. data,
        ];
        return new TcgEvent(pcr, TcgEventType.EfiVariableDriverConfig, SHA256.HashData(encoded), encoded);
    }

    private static TcgEvent Action(int pcr, string text)
    {
        var data = Encoding.ASCII.GetBytes(text);
        return new TcgEvent(pcr, TcgEventType.EfiAction, SHA256.HashData(data), data);
    }
}
