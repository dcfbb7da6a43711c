using System.Security.Cryptography;
using System.Text;
using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.Core.Tests.Attestation.MeasuredBoot;

public class SimulatedFirmwareTests
{
    private static readonly int[] AllPcrs = [0, 1, 2, 3, 4, 5, 6, 7, 12];

    [Fact]
    public void SameSettings_GiveTheSameBytesAndPcrs()
    {
        var first = new SimulatedFirmware(SecureBoot: false).Log();
        var second = new SimulatedFirmware(SecureBoot: false).Log();

        Assert.Equal(first.ToBytes(), second.ToBytes());
        Assert.Equal(first.Replay(), second.Replay());
        Assert.Equal(SimulatedFirmware.Healthy.Log().ToBytes(), new SimulatedFirmware().Log().ToBytes());
    }

    [Fact]
    public void Log_TouchesThePolicyPcrsOnly()
    {
        Assert.Equal(PolicyPcrs.Quoted, SimulatedFirmware.Healthy.Log().Replay().Keys.Order());
    }

    public static TheoryData<string, SimulatedFirmware, int[]> Changes => new()
    {
        { "Secure Boot off", new SimulatedFirmware(SecureBoot: false), [7] },
        { "DMA protection off", new SimulatedFirmware(DmaProtection: false), [7] },
        { "both off", new SimulatedFirmware(SecureBoot: false, DmaProtection: false), [7] },
        { "another version", new SimulatedFirmware(Version: "TenantPortal simulated firmware 1.1"), [0] },
        { "another policy", new SimulatedFirmware(CodeIntegrityPolicy: "allow everything"), [PolicyPcrs.CodeIntegrity] },
        { "version and policy", new SimulatedFirmware(Version: "2.0", CodeIntegrityPolicy: "audit only"), [0, PolicyPcrs.CodeIntegrity] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Setting_ChangesExactlyItsPcrs(string name, SimulatedFirmware changed, int[] differing)
    {
        var healthy = SimulatedFirmware.Healthy.Log().Replay();
        var other = changed.Log().Replay();

        var actual = AllPcrs.Where(pcr => !healthy[pcr].AsSpan().SequenceEqual(other[pcr])).ToArray();

        Assert.True(differing.SequenceEqual(actual), $"{name}: PCRs {string.Join(",", actual)} differ, expected {string.Join(",", differing)}");
    }

    [Fact]
    public void SecureBootOnAndOff_DifferInPcr7_ThroughTheVariableAndTheAuthority()
    {
        var on = SimulatedFirmware.Healthy.Log().Events;
        var off = new SimulatedFirmware(SecureBoot: false).Log().Events;

        Assert.Single(on, e => e.EventType == TcgEventType.EfiVariableAuthority && e.Pcr == 7);
        Assert.DoesNotContain(off, e => e.EventType == TcgEventType.EfiVariableAuthority);
    }

    [Fact]
    public void Log_HasOneSeparatorInEachOfPcrs0To7_AndTheLoaderAndAuthorityAfterThem()
    {
        var events = SimulatedFirmware.Healthy.Log().Events.ToList();

        var separators = events.Where(e => e.EventType == TcgEventType.Separator).ToList();
        Assert.Equal(PolicyPcrs.Firmware, separators.Select(e => e.Pcr));
        Assert.All(separators, s => Assert.Equal(new byte[4], s.Data));
        var lastSeparator = events.FindLastIndex(e => e.EventType == TcgEventType.Separator);
        var loader = events.FindIndex(e => e.EventType == TcgEventType.EfiBootServicesApplication);
        var authority = events.FindIndex(e => e.EventType == TcgEventType.EfiVariableAuthority);
        Assert.Equal(4, events[loader].Pcr);
        Assert.True(loader > lastSeparator && authority > lastSeparator);
        Assert.True(events.FindIndex(e => e.EventType == TcgEventType.EfiVariableDriverConfig) < lastSeparator);
    }

    [Fact]
    public void Pcr0_StartsWithTheCrtmVersionAndTheFirmwareBlob()
    {
        var firmware = new SimulatedFirmware(Version: "Contoso UEFI 2.7");
        var pcr0 = firmware.Log().Events.Where(e => e.Pcr == 0).ToList();

        Assert.Equal(TcgEventType.SCrtmVersion, pcr0[0].EventType);
        Assert.Equal(Encoding.Unicode.GetBytes("Contoso UEFI 2.7\0"), pcr0[0].Data);
        Assert.Equal(TcgEventType.EfiPlatformFirmwareBlob, pcr0[1].EventType);
        Assert.Equal(16, pcr0[1].Data.Length);
        Assert.NotEqual(SHA256.HashData(pcr0[1].Data), pcr0[1].Sha256Digest); // of the volume, not of its address
    }

    [Fact]
    public void CodeIntegrityPolicy_IsAnEventTagInPcr12WhoseDataIsThePolicyText()
    {
        var e = Assert.Single(SimulatedFirmware.Healthy.Log().Events, e => e.Pcr == PolicyPcrs.CodeIntegrity);

        Assert.Equal(TcgEventType.EventTag, e.EventType);
        Assert.Equal(Encoding.UTF8.GetBytes(SimulatedFirmware.DefaultCodeIntegrityPolicy), e.Data);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(SimulatedFirmware.DefaultCodeIntegrityPolicy)), e.Sha256Digest);
    }
}
