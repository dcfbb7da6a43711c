using System.Security.Cryptography;
using System.Text;
using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.Core.Tests.Attestation.MeasuredBoot;

public class TcgEventLogTests
{
    public static TheoryData<string, SimulatedFirmware> Firmwares => new()
    {
        { "healthy", SimulatedFirmware.Healthy },
        { "Secure Boot off", new SimulatedFirmware(SecureBoot: false) },
        { "DMA protection off", new SimulatedFirmware(DmaProtection: false) },
        { "other version and policy", new SimulatedFirmware(Version: "Contoso UEFI 2.7", CodeIntegrityPolicy: "deny all") },
    };

    [Theory]
    [MemberData(nameof(Firmwares))]
    public void ToBytes_Parse_ToBytes_GivesTheSameBytesAndEvents(string name, SimulatedFirmware firmware)
    {
        var log = firmware.Log();
        var bytes = log.ToBytes();

        var parsed = TcgEventLog.Parse(bytes);

        Assert.Equal(bytes, parsed.ToBytes());
        Assert.Equal(log.Events.Count, parsed.Events.Count);
        for (var i = 0; i < log.Events.Count; i++)
        {
            Assert.Equal(log.Events[i].Pcr, parsed.Events[i].Pcr);
            Assert.Equal(log.Events[i].EventType, parsed.Events[i].EventType);
            Assert.Equal(log.Events[i].Sha256Digest, parsed.Events[i].Sha256Digest);
            Assert.Equal(log.Events[i].Data, parsed.Events[i].Data);
        }

        Assert.NotEmpty(name);
    }

    [Theory]
    [MemberData(nameof(Firmwares))]
    public void Tpm2EventLog_AcceptsOurLog_AndReplaysTheSamePcrs(string name, SimulatedFirmware firmware)
    {
        var log = firmware.Log();

        var tool = Tpm2EventLogTool.Run(log.ToBytes());

        Assert.True(tool.ExitCode == 0, $"{name}: tpm2_eventlog exited {tool.ExitCode}: {tool.Errors}");
        Assert.Contains("EventType: EV_EFI_VARIABLE_DRIVER_CONFIG", tool.Output, StringComparison.Ordinal);
        Assert.Contains("UnicodeName: SecureBoot", tool.Output, StringComparison.Ordinal);
        AssertSamePcrs(log.Replay(), Tpm2EventLogTool.Sha256Pcrs(tool.Output));
    }

    [Fact]
    public void Replay_SeparatorOnly_IsTheExtendOfTheSeparatorDigestOverZeros()
    {
        var separator = new byte[4];
        var log = TcgEventLog.Of([new TcgEvent(3, TcgEventType.Separator, SHA256.HashData(separator), separator)]);

        var expected = SHA256.HashData([.. new byte[32], .. SHA256.HashData(separator)]);

        var pcr = Assert.Single(log.Replay());
        Assert.Equal(3, pcr.Key);
        Assert.Equal(expected, pcr.Value);
    }

    [Fact]
    public void Replay_ExtendsInLogOrder()
    {
        byte[] a = [1], b = [2];
        var ab = TcgEventLog.Of([Action(0, a), Action(0, b)]).Replay()[0];
        var ba = TcgEventLog.Of([Action(0, b), Action(0, a)]).Replay()[0];

        Assert.NotEqual(ab, ba);
        Assert.Equal(SHA256.HashData([.. SHA256.HashData([.. new byte[32], .. SHA256.HashData(a)]), .. SHA256.HashData(b)]), ab);
    }

    [Fact]
    public void Parse_MultiBankLog_ReadsTheSha256Bank_AndTpm2EventLogReplaysTheSamePcrs()
    {
        var bytes = MultiBankLog(withStartupLocality: false);

        var log = TcgEventLog.Parse(bytes);

        Assert.Equal(3, log.Events.Count);
        Assert.Equal(SHA256.HashData(HandBuiltCrtm), log.Events[0].Sha256Digest);
        Assert.Equal(HandBuiltCrtm, log.Events[0].Data);
        Assert.Null(log.VerifyEventDigests());
        var pcrs = log.Replay();
        Assert.Equal([0, 7], pcrs.Keys.Order());
        Assert.Equal(Extend(Extend(new byte[32], SHA256.HashData(HandBuiltCrtm)), SHA256.HashData(new byte[4])), pcrs[0]);

        var tool = Tpm2EventLogTool.Run(bytes);
        Assert.True(tool.ExitCode == 0, $"tpm2_eventlog exited {tool.ExitCode}: {tool.Errors}");
        AssertSamePcrs(pcrs, Tpm2EventLogTool.Sha256Pcrs(tool.Output));
    }

    // Not compared with tpm2_eventlog: tpm2-tools before 5.6 extends EV_NO_ACTION events (tpm2-tools issue 3224),
    // which the specification forbids.
    [Fact]
    public void Parse_MultiBankLogWithStartupLocality_KeepsTheNoActionEvent_AndReplaysAsWithoutIt()
    {
        var withLocality = TcgEventLog.Parse(MultiBankLog(withStartupLocality: true));
        var without = TcgEventLog.Parse(MultiBankLog(withStartupLocality: false));

        Assert.Equal(4, withLocality.Events.Count);
        Assert.Equal((0, TcgEventType.NoAction), (withLocality.Events[0].Pcr, withLocality.Events[0].EventType));
        Assert.Equal(without.Replay(), withLocality.Replay());
        Assert.Equal("PCR 0 · EV_NO_ACTION · not extended", BootMeasurements.Describe(withLocality)[0]);
    }

    [Fact]
    public void Parse_ThreeBanksWithSha384_SkipsTheOthersBySizeFromTheHeader()
    {
        var data = Encoding.ASCII.GetBytes("Calling EFI Application from Boot Option");
        var bytes = new RawLog()
            .Header((RawLog.Sha1, 20), (RawLog.Sha384, 48), (RawLog.Sha256, 32))
            .U32(4).U32(TcgEventType.EfiAction).U32(3)
            .U16(RawLog.Sha1).Bytes(SHA1.HashData(data)).U16(RawLog.Sha384).Bytes(SHA384.HashData(data))
            .U16(RawLog.Sha256).Bytes(SHA256.HashData(data)).U32((uint)data.Length).Bytes(data)
            .ToArray();

        var e = Assert.Single(TcgEventLog.Parse(bytes).Events);

        Assert.Equal(4, e.Pcr);
        Assert.Equal(SHA256.HashData(data), e.Sha256Digest);
        Assert.Equal(data, e.Data);
    }

    [Fact]
    public void Parse_Sha256OnlyLogWrittenFromTheSpecification_ParsesAsOurWriterWritesIt()
    {
        var data = new byte[4];
        var bytes = new RawLog().Header((RawLog.Sha256, 32)).Sha256Event(5, TcgEventType.Separator, data).ToArray();

        var log = TcgEventLog.Parse(bytes);

        var e = Assert.Single(log.Events);
        Assert.Equal((5, TcgEventType.Separator), (e.Pcr, e.EventType));
        var ours = TcgEventLog.Of([e]).ToBytes();
        Assert.Equal(bytes.Length, ours.Length);
        Assert.Equal(bytes.AsSpan(bytes.Length - 48).ToArray(), ours.AsSpan(ours.Length - 48).ToArray());
    }

    [Fact]
    public void Parse_EmptyLogAfterTheHeader_HasNoEventsAndReplaysNothing()
    {
        var log = TcgEventLog.Parse(new RawLog().Header((RawLog.Sha256, 32)).ToArray());

        Assert.Empty(log.Events);
        Assert.Empty(log.Replay());
        Assert.Null(log.VerifyEventDigests());
    }

    [Theory]
    [InlineData(-1, 32)]
    [InlineData(24, 32)]
    [InlineData(0, 20)]
    public void Of_EventOutsideThePcrsOrWithAWrongDigestSize_IsRefused(int pcr, int digestSize)
    {
        var e = new TcgEvent(pcr, TcgEventType.EfiAction, new byte[digestSize], [1]);

        Assert.Throws<ArgumentException>(() => TcgEventLog.Of([e]));
    }

    private static readonly byte[] HandBuiltCrtm = Encoding.Unicode.GetBytes("Hand-built firmware 3.1\0");

    /// <summary>SHA-1 and SHA-256 banks; the second separator lists its digests in the other order than the header.</summary>
    private static byte[] MultiBankLog(bool withStartupLocality)
    {
        var separator = new byte[4];
        var log = new RawLog().Header([(RawLog.Sha1, 20), (RawLog.Sha256, 32)], vendorInfo: [0xAB, 0xCD]);
        if (withStartupLocality)
        {
            var startupLocality = Encoding.ASCII.GetBytes("StartupLocality\0").Append((byte)0).ToArray();
            log.U32(0).U32(TcgEventType.NoAction).U32(2).U16(RawLog.Sha1).Bytes(new byte[20]).U16(RawLog.Sha256).Bytes(new byte[32])
                .U32((uint)startupLocality.Length).Bytes(startupLocality);
        }

        return log
            .Sha1AndSha256Event(0, TcgEventType.SCrtmVersion, HandBuiltCrtm)
            .U32(0).U32(TcgEventType.Separator).U32(2).U16(RawLog.Sha256).Bytes(SHA256.HashData(separator))
            .U16(RawLog.Sha1).Bytes(SHA1.HashData(separator)).U32(4).Bytes(separator)
            .Sha1AndSha256Event(7, TcgEventType.Separator, separator)
            .ToArray();
    }

    private static TcgEvent Action(int pcr, byte[] data) => new(pcr, TcgEventType.Action, SHA256.HashData(data), data);

    private static byte[] Extend(byte[] pcr, byte[] digest) => SHA256.HashData([.. pcr, .. digest]);

    private static void AssertSamePcrs(IReadOnlyDictionary<int, byte[]> ours, IReadOnlyDictionary<int, byte[]> theirs)
    {
        Assert.NotEmpty(ours);
        Assert.Equal(ours.Keys.Order(), theirs.Keys.Order());
        foreach (var (index, value) in ours)
        {
            Assert.True(value.AsSpan().SequenceEqual(theirs[index]),
                $"PCR {index}: ours {Convert.ToHexString(value)}, tpm2_eventlog {Convert.ToHexString(theirs[index])}");
        }
    }
}
