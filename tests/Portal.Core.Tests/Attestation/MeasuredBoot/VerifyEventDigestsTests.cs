using System.Security.Cryptography;
using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.Core.Tests.Attestation.MeasuredBoot;

public class VerifyEventDigestsTests
{
    [Fact]
    public void SimulatedLogs_AllVerify()
    {
        Assert.Null(SimulatedFirmware.Healthy.Log().VerifyEventDigests());
        Assert.Null(new SimulatedFirmware(SecureBoot: false, DmaProtection: false).Log().VerifyEventDigests());
    }

    [Fact]
    public void SecureBootDataEditedWithoutRehashing_IsNamedByPcrTypeVariableAndNumber()
    {
        var events = SimulatedFirmware.Healthy.Log().Events.ToList();
        var index = events.FindIndex(e => e.EventType == TcgEventType.EfiVariableDriverConfig);
        var secureBoot = events[index];
        Assert.Equal(1, secureBoot.Data[^1]);
        var data = (byte[])secureBoot.Data.Clone();
        data[^1] = 0;
        events[index] = secureBoot with { Data = data };

        var reason = TcgEventLog.Parse(TcgEventLog.Of(events).ToBytes()).VerifyEventDigests();

        Assert.Equal(
            $"Event {index + 1} (PCR 7, EV_EFI_VARIABLE_DRIVER_CONFIG SecureBoot) was extended with a digest that is not the SHA-256 of its data.",
            reason);
    }

    [Fact]
    public void SecureBootOffLogClaimingOn_IsCaught_EvenThoughTheReplayIsUnchanged()
    {
        var off = new SimulatedFirmware(SecureBoot: false).Log();
        var events = off.Events.ToList();
        var index = events.FindIndex(e => e.EventType == TcgEventType.EfiVariableDriverConfig);
        events[index] = events[index] with { Data = [.. events[index].Data[..^1], 1] };
        var forged = TcgEventLog.Of(events);

        Assert.Equal(off.Replay(), forged.Replay());
        Assert.Contains("SecureBoot", forged.VerifyEventDigests(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TcgEventType.Separator)]
    [InlineData(TcgEventType.SCrtmVersion)]
    [InlineData(TcgEventType.EfiVariableDriverConfig)]
    [InlineData(TcgEventType.EfiVariableAuthority)]
    [InlineData(TcgEventType.EfiAction)]
    [InlineData(TcgEventType.Action)]
    [InlineData(TcgEventType.EventTag)]
    public void DataEventWithAnotherDigest_IsRefused(uint eventType)
    {
        byte[] data = [1, 2, 3, 4];
        var log = TcgEventLog.Of([Good(0, TcgEventType.Separator), new TcgEvent(5, eventType, SHA256.HashData([9]), data)]);

        var reason = log.VerifyEventDigests();

        Assert.NotNull(reason);
        Assert.StartsWith("Event 2 (PCR 5, EV_", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TcgEventType.EfiBootServicesApplication)]
    [InlineData(TcgEventType.EfiPlatformFirmwareBlob)]
    [InlineData(TcgEventType.Ipl)]
    [InlineData(TcgEventType.EfiVariableBoot)]
    [InlineData(TcgEventType.NoAction)]
    [InlineData(TcgEventType.PostCode)]
    public void EventsMeasuringWhatTheLogDoesNotCarry_AreNotChecked(uint eventType)
    {
        var log = TcgEventLog.Of([new TcgEvent(4, eventType, SHA256.HashData([9]), [1, 2, 3, 4])]);

        Assert.Null(log.VerifyEventDigests());
    }

    [Fact]
    public void FirstMismatch_IsTheOneNamed()
    {
        var log = TcgEventLog.Of(
        [
            Good(0, TcgEventType.Separator),
            new TcgEvent(1, TcgEventType.Separator, new byte[32], [0, 0, 0, 0]),
            new TcgEvent(2, TcgEventType.Separator, new byte[32], [0, 0, 0, 0]),
        ]);

        Assert.StartsWith("Event 2 (PCR 1, EV_SEPARATOR)", log.VerifyEventDigests(), StringComparison.Ordinal);
    }

    private static TcgEvent Good(int pcr, uint eventType) => new(pcr, eventType, SHA256.HashData(new byte[4]), new byte[4]);
}
