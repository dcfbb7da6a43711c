using Microsoft.Extensions.Options;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// The host's TPM 2.0 through tpm2-tools: the kernel's device on a real host, or an swtpm (one the agent runs itself,
/// or one at a configured address). On swtpm the agent plays the simulated firmware into the fresh PCRs; on a device
/// the firmware did, and its log is read from securityfs.
/// </summary>
public sealed partial class Tpm2ToolsTpm : ITpm, IAsyncDisposable, IDisposable
{
    /// <summary>Where the endorsement key lives (TCG EK Credential Profile: RSA 2048 EK).</summary>
    public const string EndorsementKeyHandle = "0x81010001";

    /// <summary>Where the agent keeps its attestation key.</summary>
    public const string AttestationKeyHandle = "0x81010010";

    /// <summary>The NV index of the RSA 2048 EK certificate (TCG EK Credential Profile).</summary>
    public const string EndorsementKeyCertificateIndex = "0x1c00002";

    private readonly TpmOptions _options;
    private readonly HostAttestationOptions _host;
    private readonly ILogger<Tpm2ToolsTpm> _logger;
    private readonly Func<BootPlan> _bootPlan;
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private Tpm2Tool? _tool;
    private SwtpmProcess? _swtpm;
    private State? _state;
    private string _description;

    public Tpm2ToolsTpm(IOptions<TpmOptions> options, IOptions<HostAttestationOptions> host, ILogger<Tpm2ToolsTpm> logger)
        : this(options, host, logger, () => BootPlan.From(SimulatedBoot.From(host.Value.Simulate)))
    {
    }

    /// <summary>With the boot to play into a fresh swtpm (and, on a device, the code-integrity policy to measure) given directly.</summary>
    public Tpm2ToolsTpm(IOptions<TpmOptions> options, IOptions<HostAttestationOptions> host, ILogger<Tpm2ToolsTpm> logger, Func<BootPlan> bootPlan)
    {
        _options = options.Value;
        _host = host.Value;
        _logger = logger;
        _bootPlan = bootPlan;
        _description = _options.Kind switch
        {
            TpmKind.Device => $"TPM 2.0 at {_options.DevicePath}",
            TpmKind.Swtpm when _options.ManagesSwtpm => "swtpm (managed, not started)",
            TpmKind.Swtpm => $"swtpm at {_options.SwtpmAddress}",
            TpmKind.Software => "software TPM",
        };
    }

    /// <summary>What this TPM is, for people: "swtpm 0.7.1 at 127.0.0.1:2321 (managed)", "TPM 2.0 at /dev/tpmrm0".</summary>
    public string Description => _description;

    /// <summary>The endorsement key's TPM2B_PUBLIC.</summary>
    public ReadOnlyMemory<byte> EndorsementKey => Ready.EndorsementKey;

    /// <summary>The EK certificate (DER) from NV, or null when the TPM has none.</summary>
    public ReadOnlyMemory<byte>? EndorsementKeyCertificate => Ready.EndorsementKeyCertificate is { } der ? der : null;

    /// <summary>The attestation key's TPM2B_PUBLIC.</summary>
    public ReadOnlyMemory<byte> AttestationKey => Ready.AttestationKey;

    /// <summary>The measured boot log (TCG crypto-agile) as the host reports it.</summary>
    public ReadOnlyMemory<byte> EventLog => Ready.EventLog;

    /// <summary>The managed swtpm's process id while it runs; null for any other TPM.</summary>
    public int? SwtpmPid => _swtpm?.Pid;

    /// <summary>"127.0.0.1:port" of the managed swtpm while it runs (another agent may be pointed at it); null otherwise.</summary>
    public string? SwtpmAddress => _swtpm is { } swtpm ? $"127.0.0.1:{swtpm.Port}" : null;

    private State Ready => _state ?? throw new InvalidOperationException("The TPM is not initialized; call InitializeAsync first.");

    private Tpm2Tool Tool => _tool ?? throw new InvalidOperationException("The TPM is not initialized; call InitializeAsync first.");

    /// <summary>
    /// Starts (manufacturing on first use) or connects to the TPM, reads the EK and its certificate, creates the
    /// attestation key once, and plays the simulated firmware into a fresh swtpm. Idempotent.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initialization.WaitAsync(cancellationToken);
        try
        {
            if (_state is not null)
            {
                return;
            }

            if (TpmOptionsValidation.Failures(_options) is { Count: > 0 } failures)
            {
                throw new TpmException(string.Join(" ", failures));
            }

            try
            {
                _tool = await ConnectAsync(cancellationToken);
                _state = await _tool.ExclusiveAsync(() => ReadStateAsync(cancellationToken), cancellationToken);
            }
            catch
            {
                // A later attempt starts from scratch, with no swtpm of this attempt left running.
                await StopSwtpmAsync();
                _tool = null;
                throw;
            }

            _logger.LogInformation("{Tpm} ready: attestation key at {Handle}, EK certificate {Certificate}", _description, AttestationKeyHandle,
                _state.EndorsementKeyCertificate is null ? "absent" : "present");
        }
        finally
        {
            _initialization.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopSwtpmAsync();
        _initialization.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StopSwtpmAsync()
    {
        if (_swtpm is { } swtpm)
        {
            _swtpm = null;
            await swtpm.DisposeAsync();
        }
    }

    private async Task<Tpm2Tool> ConnectAsync(CancellationToken ct)
    {
        var work = Path.Combine(Path.GetFullPath(_host.DataFolder), "tpm", "work");
        switch (_options.Kind)
        {
            case TpmKind.Device:
                // /dev/tpmrm* is the kernel's resource manager; a raw /dev/tpm* is not and needs flushing like swtpm.
                var resourceManaged = Path.GetFileName(_options.DevicePath).StartsWith("tpmrm", StringComparison.Ordinal);
                return new Tpm2Tool($"device:{_options.DevicePath}", resourceManaged, _options.CommandTimeout, work);
            case TpmKind.Swtpm when _options.ManagesSwtpm:
                _swtpm = await SwtpmProcess.StartAsync(
                    TpmOptions.SwtpmStateFolder(_host.DataFolder), _options.CertificateAuthorityFolder(_host.DataFolder), _options.CommandTimeout, _logger, ct);
                _description = $"swtpm {_swtpm.Version} at 127.0.0.1:{_swtpm.Port} (managed)";
                return new Tpm2Tool($"swtpm:host=127.0.0.1,port={_swtpm.Port}", hasResourceManager: false, _options.CommandTimeout, work);
            case TpmKind.Swtpm:
                var (host, port) = TpmOptions.ParseSwtpmAddress(_options.SwtpmAddress)!.Value;
                return new Tpm2Tool($"swtpm:host={host},port={port}", hasResourceManager: false, _options.CommandTimeout, work);
            case TpmKind.Software:
                throw new TpmException("HostAgent:Tpm:Kind is Software: the software TPM serves this host, not tpm2-tools.");
            default:
                throw new TpmException($"HostAgent:Tpm:Kind {_options.Kind} is not a TPM kind.");
        }
    }

    private async Task<State> ReadStateAsync(CancellationToken ct)
    {
        // Whatever an earlier agent left loaded on a TPM without a resource manager would crowd out our sessions.
        await Tool.FlushAsync(ct);
        var endorsementKey = await ReadOrCreateEndorsementKeyAsync(ct);
        var certificate = await ReadEndorsementKeyCertificateAsync(ct);
        var attestationKey = await ReadOrCreateAttestationKeyAsync(ct);
        var eventLog = _options.Kind == TpmKind.Device ? await MeasureDeviceBootAsync(ct) : await PlayFirmwareAsync(ct);
        return new State(endorsementKey, certificate, attestationKey, eventLog);
    }

    private sealed record State(byte[] EndorsementKey, byte[]? EndorsementKeyCertificate, byte[] AttestationKey, byte[] EventLog);
}
