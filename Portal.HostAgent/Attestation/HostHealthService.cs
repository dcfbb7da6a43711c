using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// The agent's health: attests to HGS on request, keeps the latest outcome — and the health certificate — in memory
/// only, and tells subscribers. An unreachable or failing HGS makes the host unhealthy (TransientError), never healthy.
/// </summary>
public sealed class HostHealthService : IHostHealth
{
    private readonly HostAttestationOptions _options;
    private readonly ITpm _tpm;
    private readonly SoftwareHostKey _hostKey;
    private readonly HostTransportKey _transportKey;
    private readonly AttestationKeyActivation _activation;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly ILogger<HostHealthService> _logger;
    private readonly Lock _lock = new();
    private Task<AttestationOutcome>? _inFlight;
    private AttestationOutcome? _current;

    public HostHealthService(
        IOptions<HostAttestationOptions> options, ITpm tpm, SoftwareHostKey hostKey, HostTransportKey transportKey, IHttpClientFactory http,
        TimeProvider time, ILogger<HostHealthService> logger)
    {
        _options = options.Value;
        _tpm = tpm;
        _hostKey = hostKey;
        _transportKey = transportKey;
        _http = http;
        _time = time;
        _logger = logger;
        _activation = new AttestationKeyActivation(_options.DataFolder, logger);
    }

    public AttestationOutcome? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public bool IsHealthy => Current?.IsHealthyAt(_time.GetUtcNow()) == true;

    public event Action<AttestationOutcome>? Changed;

    public ReadOnlyMemory<byte> TransportPublicKey => _transportKey.PublicKey;

    public string TransportKeyThumbprint => _transportKey.Thumbprint;

    public string? TpmDescription => UsesTpm ? _tpm.Description : null;

    private bool UsesTpm => _options.AttestationMode == AttestationMode.TpmTrusted;

    public async Task<HostAttestationIdentity> GetIdentityAsync(CancellationToken cancellationToken)
    {
        if (UsesTpm)
        {
            await _tpm.InitializeAsync(cancellationToken);
        }

        return new HostAttestationIdentity(
            _options.HostName,
            _options.AttestationMode,
            UsesTpm ? _tpm.EndorsementKey.ToArray() : null,
            _options.AttestationMode == AttestationMode.HostKey ? _hostKey.PublicKey.ToArray() : null,
            _options.AttestationMode == AttestationMode.AdminTrusted ? _options.HostGroup : null,
            UsesTpm ? _tpm.EndorsementKeyCertificate?.ToArray() : null);
    }

    public Task<AttestationOutcome> AttestNowAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Concurrent callers share one attestation: each would otherwise burn a nonce and race to set Current.
            return _inFlight ??= RunAsync(cancellationToken);
        }
    }

    private async Task<AttestationOutcome> RunAsync(CancellationToken cancellationToken)
    {
        AttestationOutcome outcome;
        try
        {
            outcome = await AttestAsync(cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight = null;
            }
        }

        AttestationOutcome? previous;
        lock (_lock)
        {
            previous = _current;
            _current = outcome;
        }

        // Logged when the result changes; a renewal or a retry with the same result is not news.
        var changed = previous is null || previous.Status != outcome.Status || previous.SubStatus != outcome.SubStatus;
        if (outcome.Status == AttestationStatus.Passed)
        {
            _logger.Log(changed ? LogLevel.Information : LogLevel.Debug,
                "Host {HostName} passed attestation; health certificate valid until {ValidUntil}", _options.HostName, outcome.ValidUntil);
        }
        else
        {
            _logger.Log(changed ? LogLevel.Warning : LogLevel.Debug,
                "Host {HostName} is not healthy: {Status} {SubStatus} — {Reason}", _options.HostName, outcome.Status, outcome.SubStatus, outcome.Reason);
        }

        Changed?.Invoke(outcome);
        return outcome;
    }

    private async Task<AttestationOutcome> AttestAsync(CancellationToken cancellationToken)
    {
        if (_options.HgsUrl is null)
        {
            return AttestationOutcome.Failed(AttestationStatus.NotConfigured, AttestationSubStatus.None, "No HGS URL is configured (HostAgent:HgsUrl).");
        }

        if (_options.AttestationMode == AttestationMode.AdminTrusted && (_options.HostGroup is null || !IsBase64(_options.HostGroupCredential)))
        {
            return AttestationOutcome.Failed(AttestationStatus.NotConfigured, AttestationSubStatus.None,
                "Admin-trusted attestation needs HostAgent:HostGroup and HostAgent:HostGroupCredential (base64).");
        }

        try
        {
            var hgs = new HgsClient(_http.CreateClient(HgsClient.HttpClientName));
            if (UsesTpm)
            {
                await _tpm.InitializeAsync(cancellationToken);
                await _activation.EnsureAsync(hgs, _tpm, _options.HostName, cancellationToken);
            }

            var challenge = await hgs.ChallengeAsync(cancellationToken);
            var request = await new AttestationEvidence(_options, _tpm, _hostKey, _transportKey).BuildAsync(challenge.Nonce, cancellationToken);
            var outcome = await hgs.AttestAsync(request, cancellationToken);
            if (UsesTpm && outcome.Status == AttestationStatus.UnauthorizedHost)
            {
                _activation.Forget();
            }

            return outcome;
        }
        catch (TpmException e)
        {
            return AttestationOutcome.Failed(AttestationStatus.TpmError, AttestationSubStatus.None, $"The host's TPM failed: {e.Message}");
        }
        catch (HgsRefusedException e)
        {
            _activation.Forget();
            return AttestationOutcome.Failed(e.Status == 403 ? AttestationStatus.UnauthorizedHost : AttestationStatus.TpmError, AttestationSubStatus.None,
                $"HGS refused to activate the attestation key: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException
                                   || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _logger.Log(Current?.Status == AttestationStatus.TransientError ? LogLevel.Debug : LogLevel.Warning,
                "HGS could not be reached for attestation: {Error}", e.Message);
            return AttestationOutcome.Failed(AttestationStatus.TransientError, AttestationSubStatus.None, $"HGS could not be reached or failed: {e.Message}");
        }
    }

    private static bool IsBase64(string? text) => text is not null && Convert.TryFromBase64String(text, new byte[text.Length], out var written) && written > 0;
}
