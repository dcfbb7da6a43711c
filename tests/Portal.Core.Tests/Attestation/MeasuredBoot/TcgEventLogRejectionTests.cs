using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Tests.Attestation.MeasuredBoot;

public class TcgEventLogRejectionTests
{
    private static readonly byte[] Healthy = SimulatedFirmware.Healthy.Log().ToBytes();

    /// <summary>Offset of the first TCG_PCR_EVENT2 in a SHA-256-only log: 32-byte record head + 33-byte Spec ID event.</summary>
    private const int FirstEvent = 4 + 4 + 20 + 4 + 33;

    [Fact]
    public void Parse_EveryTruncation_IsRefused()
    {
        for (var length = 0; length < Healthy.Length; length++)
        {
            var cut = Healthy.AsSpan(0, length).ToArray();
            if (IsEventBoundary(length))
            {
                // a log cut exactly between records is a shorter valid log: the quote's PCRs are what catch it
                Assert.True(TcgEventLog.Parse(cut).Events.Count < SimulatedFirmware.Healthy.Log().Events.Count);
                continue;
            }

            Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(cut));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void Parse_TrailingBytes_AreRefused(byte[] trailing)
    {
        Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse([.. Healthy, .. trailing]));
    }

    [Fact]
    public void Parse_TrailingZeroPadding_IsRefused()
    {
        Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse([.. Healthy, .. new byte[64]]));
    }

    [Theory]
    [InlineData(24u)]
    [InlineData(0xFFFFFFFFu)]
    public void Parse_EventInAPcrAbove23_IsRefused(uint pcr)
    {
        var bytes = (byte[])Healthy.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FirstEvent), pcr);

        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));

        Assert.Contains($"PCR {pcr}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Pcr23_IsAccepted()
    {
        var bytes = (byte[])Healthy.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FirstEvent), 23);

        Assert.Equal(23, TcgEventLog.Parse(bytes).Events[0].Pcr);
    }

    [Theory]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(TcgEventLog.MaxBytes + 1u)]
    [InlineData(1000u)]
    public void Parse_EventDataSizeBeyondTheLog_IsRefused(uint size)
    {
        var bytes = (byte[])Healthy.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FirstEvent + 4 + 4 + 4 + 2 + 32), size);

        Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2u)]
    [InlineData(0xFFFFFFFFu)]
    public void Parse_DigestCountOtherThanTheBanks_IsRefused(uint count)
    {
        var bytes = (byte[])Healthy.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FirstEvent + 8), count);

        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));

        Assert.Contains("digests", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DigestOfAnAlgorithmNotInTheHeader_IsRefused()
    {
        var bytes = (byte[])Healthy.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(FirstEvent + 12), RawLog.Sha384);

        Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));
    }

    [Fact]
    public void Parse_SameBankTwiceInAnEvent_IsRefused()
    {
        byte[] data = [0, 0, 0, 0];
        var bytes = new RawLog().Header((RawLog.Sha1, 20), (RawLog.Sha256, 32))
            .U32(0).U32(TcgEventType.Separator).U32(2)
            .U16(RawLog.Sha1).Bytes(new byte[20]).U16(RawLog.Sha1).Bytes(new byte[20]).U32(4).Bytes(data).ToArray();

        Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));
    }

    [Fact]
    public void Parse_LogWithoutASha256Bank_IsRefused()
    {
        var bytes = new RawLog().Header((RawLog.Sha1, 20)).ToArray();

        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));

        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RawLog.Sha256, 20)]
    [InlineData(RawLog.Sha1, 32)]
    [InlineData((ushort)0x0012, 0)]
    [InlineData((ushort)0x0012, 65)]
    public void Parse_HeaderWithAWrongDigestSize_IsRefused(ushort algorithm, ushort size)
    {
        var bytes = new RawLog().Header((RawLog.Sha256, 32), (algorithm, size)).ToArray();

        Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));
    }

    [Fact]
    public void Parse_HeaderNamingABankTwice_IsRefused()
    {
        var bytes = new RawLog().Header((RawLog.Sha256, 32), (RawLog.Sha256, 32)).ToArray();

        Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));
    }

    [Fact]
    public void Parse_HeaderWithAnUnknownBank_SkipsItsDigestsBySize()
    {
        byte[] data = [0, 0, 0, 0];
        var bytes = new RawLog().Header((0x0012, 32), (RawLog.Sha256, 32))
            .U32(0).U32(TcgEventType.Separator).U32(2).U16(0x0012).Bytes(new byte[32])
            .U16(RawLog.Sha256).Bytes(System.Security.Cryptography.SHA256.HashData(data)).U32(4).Bytes(data).ToArray();

        Assert.Null(TcgEventLog.Parse(bytes).VerifyEventDigests());
    }

    [Fact]
    public void Parse_Sha1FormatLogWithoutSpecIdEvent_IsRefused()
    {
        // a TCG 1.2 log: TCG_PCR_EVENT records only, the first one a real measurement
        var data = Encoding.ASCII.GetBytes("CRTM");
        var bytes = new RawLog().U32(0).U32(TcgEventType.SCrtmVersion).Bytes(new byte[20]).U32((uint)data.Length).Bytes(data).ToArray();

        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));

        Assert.Contains("crypto-agile", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32 + 0, "Spec ID")] // signature
    [InlineData(32 + 21, "version")] // spec version major
    [InlineData(32 + 23, "UINTN")] // uintn size
    [InlineData(32 + 24, "banks")] // number of algorithms
    [InlineData(8, "zeros")] // header digest
    [InlineData(0, "PCR 0")] // header PCR index
    public void Parse_HeaderFieldChanged_IsRefused(int offset, string said)
    {
        var bytes = (byte[])Healthy.Clone();
        bytes[offset] ^= 0x41;

        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));

        Assert.Contains(said, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SpecIdEventLongerThanItsFields_IsRefused()
    {
        var bytes = new RawLog().Header([(RawLog.Sha256, 32)], vendorInfo: [1, 2]).ToArray();
        bytes[32 + 32] = 1; // vendorInfoSize 1 of 2 bytes: one byte left over inside the event

        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));

        Assert.Contains("after its vendor info", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LargerThanMaxBytes_IsRefusedBeforeReading()
    {
        var bytes = new byte[TcgEventLog.MaxBytes + 1];
        Healthy.CopyTo(bytes, 0);

        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(bytes));

        Assert.Contains($"at most {TcgEventLog.MaxBytes}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThanMaxEvents_IsRefused_AndExactlyMaxEventsIsAccepted()
    {
        static byte[] LogOf(int events)
        {
            var log = new RawLog().Header((RawLog.Sha256, 32));
            for (var i = 0; i < events; i++)
            {
                log.Sha256Event(0, TcgEventType.Separator, [0, 0, 0, 0]);
            }

            return log.ToArray();
        }

        Assert.Equal(TcgEventLog.MaxEvents, TcgEventLog.Parse(LogOf(TcgEventLog.MaxEvents)).Events.Count);
        var ex = Assert.Throws<TpmFormatException>(() => TcgEventLog.Parse(LogOf(TcgEventLog.MaxEvents + 1)));
        Assert.Contains($"more than {TcgEventLog.MaxEvents} events", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_RandomMutationsOfAValidLog_OnlyEverThrowTpmFormatException(int seed)
    {
        var random = new Random(seed);
        var slowest = TimeSpan.Zero;
        var refused = 0;
        for (var i = 0; i < 3000; i++)
        {
            var mutated = Mutate(Healthy, random);
            var watch = Stopwatch.StartNew();
            var ex = Record.Exception(() => TcgEventLog.Parse(mutated));
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            if (ex is not null)
            {
                refused++;
                Assert.True(ex is TpmFormatException, $"seed {seed} iteration {i}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(refused > 500, $"only {refused} mutated logs were refused");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"slowest parse took {slowest}");
    }

    [Fact]
    public void Parse_RandomBytes_OnlyEverThrowTpmFormatException()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length >= FirstEvent)
            {
                Healthy.AsSpan(0, FirstEvent).CopyTo(bytes); // a valid header, then noise
            }

            var ex = Record.Exception(() => TcgEventLog.Parse(bytes));
            Assert.True(ex is null or TpmFormatException, $"iteration {i}: {ex?.GetType().Name}: {ex?.Message}");
        }
    }

    private bool IsEventBoundary(int length)
    {
        var offset = FirstEvent;
        while (offset < length)
        {
            offset += 4 + 4 + 4 + 2 + 32;
            offset += 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(Healthy.AsSpan(offset));
        }

        return offset == length;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(5))
        {
            case 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                break;
            case 2:
                // a length or count field set to something extreme
                var at = random.Next(bytes.Length - 4);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), random.Next(2) == 0 ? uint.MaxValue : (uint)random.Next(0, 64));
                break;
            case 3:
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
            default:
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                return [.. bytes, .. extra];
        }

        return bytes;
    }
}
