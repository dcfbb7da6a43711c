using Portal.Core.Attestation;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tests.Tpm;

/// <summary>The agent's settings played as firmware into a real swtpm: the PCRs and the reported log agree, as on hardware.</summary>
public sealed class SimulatedFirmwareOnSwtpmTests : IAsyncLifetime
{
    private static readonly int[] Quoted = [.. PolicyPcrs.Quoted];

    private readonly SwtpmHosts _hosts = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _hosts.DisposeAsync().AsTask();

    [Fact]
    public async Task AHealthyHost_ReportsTheSimulatedFirmwaresLog_WhichReplaysToTheSwtpmsPcrs()
    {
        var tpm = _hosts.Tpm("host-a");

        await tpm.InitializeAsync(_ct);

        var log = TcgEventLog.Parse(tpm.EventLog.Span);
        Assert.Equal(SimulatedFirmware.Healthy.Log().ToBytes(), tpm.EventLog.ToArray());
        Assert.Null(log.VerifyEventDigests());
        Assert.Equal(AttestationSubStatus.None, BootMeasurements.Findings(log));
        var replay = log.Replay();
        var pcrs = await _hosts.PcrsAsync(tpm.SwtpmAddress!, Quoted);
        Assert.All(Quoted, pcr => Assert.Equal(Convert.ToHexString(replay[pcr]), Convert.ToHexString(pcrs[pcr])));
    }

    [Fact]
    public async Task AnAgentRestartedAgainstTheRunningSwtpm_DoesNotMeasureAgain_AndReportsTheSameLog()
    {
        var first = _hosts.Tpm("host-a");
        await first.InitializeAsync(_ct);
        var before = await _hosts.PcrsAsync(first.SwtpmAddress!, Quoted);

        var restarted = _hosts.Tpm("host-a-restarted", o => o.SwtpmAddress = first.SwtpmAddress);
        await restarted.InitializeAsync(_ct);

        var after = await _hosts.PcrsAsync(first.SwtpmAddress!, Quoted);
        Assert.All(Quoted, pcr => Assert.Equal(Convert.ToHexString(before[pcr]), Convert.ToHexString(after[pcr])));
        Assert.Equal(first.EventLog.ToArray(), restarted.EventLog.ToArray());
    }

    [Fact]
    public async Task SecureBootOff_GivesADifferentPcr7_AndNoOtherPcr_AndTheLogSaysSo()
    {
        var on = _hosts.Tpm("host-on");
        var off = _hosts.Tpm("host-off", simulate: new SimulationOptions { SecureBootOff = true });
        await Task.WhenAll(on.InitializeAsync(_ct), off.InitializeAsync(_ct));

        var pcrsOn = await _hosts.PcrsAsync(on.SwtpmAddress!, Quoted);
        var pcrsOff = await _hosts.PcrsAsync(off.SwtpmAddress!, Quoted);

        Assert.Equal([7], Quoted.Where(pcr => !pcrsOn[pcr].AsSpan().SequenceEqual(pcrsOff[pcr])));
        var log = TcgEventLog.Parse(off.EventLog.Span);
        Assert.True(BootMeasurements.Findings(log).HasFlag(AttestationSubStatus.SecureBoot));
        Assert.Equal(Convert.ToHexString(log.Replay()[7]), Convert.ToHexString(pcrsOff[7]));
    }

    [Fact]
    public async Task AnUnknownCodeIntegrityPolicy_ChangesPcr12Only()
    {
        var known = _hosts.Tpm("host-known");
        var unknown = _hosts.Tpm("host-unknown", simulate: new SimulationOptions { UnknownCodeIntegrityPolicy = true });
        await Task.WhenAll(known.InitializeAsync(_ct), unknown.InitializeAsync(_ct));

        var pcrsKnown = await _hosts.PcrsAsync(known.SwtpmAddress!, Quoted);
        var pcrsUnknown = await _hosts.PcrsAsync(unknown.SwtpmAddress!, Quoted);

        Assert.Equal([PolicyPcrs.CodeIntegrity], Quoted.Where(pcr => !pcrsKnown[pcr].AsSpan().SequenceEqual(pcrsUnknown[pcr])));
        Assert.NotEqual(BootMeasurements.CodeIntegrityPolicy(TcgEventLog.Parse(known.EventLog.Span)), BootMeasurements.CodeIntegrityPolicy(TcgEventLog.Parse(unknown.EventLog.Span)));
    }

    [Fact]
    public async Task ATamperedLog_NoLongerReplaysToTheMeasuredPcrs()
    {
        var tpm = _hosts.Tpm("host-a", simulate: new SimulationOptions { TamperBootLog = true });

        await tpm.InitializeAsync(_ct);

        var pcrs = await _hosts.PcrsAsync(tpm.SwtpmAddress!, Quoted);
        var honest = SimulatedFirmware.Healthy.Log().Replay();
        var reported = TcgEventLog.Parse(tpm.EventLog.Span);
        Assert.All(Quoted, pcr => Assert.Equal(Convert.ToHexString(honest[pcr]), Convert.ToHexString(pcrs[pcr])));
        Assert.Null(reported.VerifyEventDigests());
        Assert.Equal([4], Quoted.Where(pcr => !reported.Replay()[pcr].AsSpan().SequenceEqual(pcrs[pcr])));
    }
}
