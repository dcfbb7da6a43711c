using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.HostAgent.Tests.Tpm;

public sealed class FirmwarePlaybackTests : IAsyncLifetime
{
    private static readonly int[] Measured = [.. PolicyPcrs.Quoted];

    private readonly SwtpmHosts _hosts = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _hosts.DisposeAsync().AsTask();

    [Fact]
    public async Task AFreshSwtpm_IsGivenTheFirmwaresMeasurements_SoItsPcrsEqualTheLogsReplay()
    {
        var boot = SwtpmHosts.HandBoot();
        var tpm = _hosts.Tpm("host-a", boot: boot);

        await tpm.InitializeAsync(_ct);

        var pcrs = await _hosts.PcrsAsync(tpm.SwtpmAddress!, Measured);
        var expected = SwtpmHosts.HandReplay(boot.Measured);
        Assert.All(Measured, pcr => Assert.Equal(Convert.ToHexString(expected[pcr]), Convert.ToHexString(pcrs[pcr])));
        Assert.Equal(boot.ReportedLog, tpm.EventLog.ToArray());
    }

    [Fact]
    public async Task ASecondAgentOnTheSameRunningSwtpm_DoesNotMeasureTheFirmwareAgain()
    {
        var boot = SwtpmHosts.HandBoot();
        var first = _hosts.Tpm("host-a", boot: boot);
        await first.InitializeAsync(_ct);
        var before = await _hosts.PcrsAsync(first.SwtpmAddress!, Measured);

        var second = _hosts.Tpm("host-a-restarted", o => o.SwtpmAddress = first.SwtpmAddress, boot: boot);
        await second.InitializeAsync(_ct);

        var after = await _hosts.PcrsAsync(first.SwtpmAddress!, Measured);
        Assert.All(Measured, pcr => Assert.Equal(Convert.ToHexString(before[pcr]), Convert.ToHexString(after[pcr])));
        Assert.Equal(first.EventLog.ToArray(), second.EventLog.ToArray());
    }

    [Fact]
    public async Task ARestartedSwtpm_StartsFromZeroedPcrs_AndIsMeasuredAgainToTheSameValues()
    {
        var boot = SwtpmHosts.HandBoot();
        var first = _hosts.Tpm("host-a", boot: boot);
        await first.InitializeAsync(_ct);
        var before = await _hosts.PcrsAsync(first.SwtpmAddress!, Measured);
        await first.DisposeAsync();

        var restarted = _hosts.Tpm("host-a", boot: boot);
        await restarted.InitializeAsync(_ct);

        var after = await _hosts.PcrsAsync(restarted.SwtpmAddress!, Measured);
        Assert.All(Measured, pcr => Assert.Equal(Convert.ToHexString(before[pcr]), Convert.ToHexString(after[pcr])));
    }

    [Fact]
    public async Task SecureBootOff_ChangesPcr7_AndNoOtherPcr()
    {
        var on = _hosts.Tpm("host-on", boot: SwtpmHosts.HandBoot(secureBoot: true));
        var off = _hosts.Tpm("host-off", boot: SwtpmHosts.HandBoot(secureBoot: false));
        await Task.WhenAll(on.InitializeAsync(_ct), off.InitializeAsync(_ct));

        var pcrsOn = await _hosts.PcrsAsync(on.SwtpmAddress!, Measured);
        var pcrsOff = await _hosts.PcrsAsync(off.SwtpmAddress!, Measured);

        Assert.Equal([7], Measured.Where(pcr => !pcrsOn[pcr].AsSpan().SequenceEqual(pcrsOff[pcr])));
    }
}
