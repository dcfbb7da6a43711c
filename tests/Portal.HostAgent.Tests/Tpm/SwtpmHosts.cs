using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Tpm.Tpm2;

namespace Portal.HostAgent.Tests.Tpm;

/// <summary>
/// Agents' TPMs for one test class: each in its own data folder under one temporary folder, each managed swtpm on its
/// own ports; everything started here is disposed (its swtpm stopped by pid) and the folder removed at the end.
/// </summary>
internal sealed class SwtpmHosts : IAsyncDisposable
{
    private readonly List<Tpm2ToolsTpm> _tpms = [];

    public string Folder { get; } = Directory.CreateTempSubdirectory("tpm2-").FullName;

    /// <summary>One local CA for every host made without its own.</summary>
    public string SharedCa => Path.Combine(Folder, "ca");

    /// <summary>A TPM for the agent whose data folder is <paramref name="host"/> (the same name: the same agent, restarted).</summary>
    public Tpm2ToolsTpm Tpm(string host, Action<TpmOptions>? configure = null, SimulationOptions? simulate = null, BootPlan? boot = null) =>
        Tpm(host, configure, simulate, boot is null ? null : () => boot);

    /// <summary>A TPM whose simulated boot comes from <paramref name="boot"/> when given, else from <paramref name="simulate"/>.</summary>
    public Tpm2ToolsTpm Tpm(string host, Action<TpmOptions>? configure, SimulationOptions? simulate, Func<BootPlan>? boot)
    {
        var options = new TpmOptions { Kind = TpmKind.Swtpm, SwtpmCertificateAuthorityFolder = SharedCa };
        configure?.Invoke(options);
        var agent = new HostAttestationOptions { DataFolder = DataFolder(host), HostName = host, Simulate = simulate ?? new SimulationOptions() };
        var tpm = boot is null
            ? new Tpm2ToolsTpm(Options.Create(options), Options.Create(agent), NullLogger<Tpm2ToolsTpm>.Instance)
            : new Tpm2ToolsTpm(Options.Create(options), Options.Create(agent), NullLogger<Tpm2ToolsTpm>.Instance, boot);
        _tpms.Add(tpm);
        return tpm;
    }

    public string DataFolder(string host) => Path.Combine(Folder, host);

    /// <summary>A small firmware made by hand: CRTM version, a loader, the SecureBoot variable in PCR 7, separators, a policy in PCR 12.</summary>
    public static BootPlan HandBoot(bool secureBoot = true)
    {
        var events = new List<TcgEvent>
        {
            Event(0, TcgEventType.SCrtmVersion, "hand firmware 1.0"),
            Event(4, TcgEventType.EfiBootServicesApplication, "bootx64.efi"),
            Event(7, TcgEventType.EfiVariableDriverConfig, secureBoot ? "SecureBoot=1" : "SecureBoot=0"),
        };
        events.AddRange(Enumerable.Range(0, 8).Select(pcr => new TcgEvent(pcr, TcgEventType.Separator, SHA256.HashData(new byte[4]), new byte[4])));
        events.Add(Event(PolicyPcrs.CodeIntegrity, TcgEventType.EventTag, "hand policy"));
        return new BootPlan(events, Encoding.UTF8.GetBytes(secureBoot ? "hand log, secure boot on" : "hand log, secure boot off"));
    }

    /// <summary>PCR values computed here, independently of the agent: PCR = SHA-256(PCR ‖ digest) from zero.</summary>
    public static Dictionary<int, byte[]> HandReplay(IEnumerable<TcgEvent> events)
    {
        var pcrs = new Dictionary<int, byte[]>();
        foreach (var e in events)
        {
            var old = pcrs.GetValueOrDefault(e.Pcr) ?? new byte[32];
            pcrs[e.Pcr] = SHA256.HashData(old.Concat(e.Sha256Digest).ToArray());
        }

        return pcrs;
    }

    /// <summary>Runs a tpm2-tools command directly (not through the agent), against <paramref name="swtpmAddress"/> or with no TPM.</summary>
    public static async Task<string> Tpm2Async(string? swtpmAddress, params string[] arguments)
    {
        var info = new ProcessStartInfo(arguments[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        if (swtpmAddress is not null)
        {
            var colon = swtpmAddress.LastIndexOf(':');
            info.Environment["TPM2TOOLS_TCTI"] = $"swtpm:host={swtpmAddress[..colon]},port={swtpmAddress[(colon + 1)..]}";
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        Assert.True(process.ExitCode == 0, $"{string.Join(' ', arguments)} failed: {await errors}");
        return await output;
    }

    /// <summary>SHA-256 PCR values read directly from the swtpm.</summary>
    public async Task<Dictionary<int, byte[]>> PcrsAsync(string swtpmAddress, IReadOnlyList<int> pcrs)
    {
        var file = Path.Combine(Folder, $"pcrs-{Guid.NewGuid():N}.bin");
        await Tpm2Async(swtpmAddress, "tpm2_pcrread", $"sha256:{string.Join(",", pcrs)}", "-o", file);
        var bytes = await File.ReadAllBytesAsync(file);
        File.Delete(file);
        return pcrs.Order().Select((pcr, i) => (pcr, bytes.AsSpan(i * 32, 32).ToArray())).ToDictionary(p => p.pcr, p => p.Item2);
    }

    /// <summary>True while a process with this pid exists (a reaped child is gone from /proc).</summary>
    public static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    public async ValueTask DisposeAsync()
    {
        foreach (var tpm in _tpms)
        {
            await tpm.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }

    private static TcgEvent Event(int pcr, uint type, string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        return new TcgEvent(pcr, type, SHA256.HashData(bytes), bytes);
    }
}
