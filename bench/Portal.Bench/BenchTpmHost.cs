using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Tpm;

namespace Portal.Bench;

/// <summary>
/// A guarded host's attestation side as the agent has it, without the agent: a <see cref="SoftwareTpm"/> (real TPM 2.0
/// structures, ECDSA P-256 AK, the simulated firmware's healthy measured boot) and a <see cref="HostTransportKey"/>,
/// both keyed in a temporary folder of its own that is deleted on dispose.
/// </summary>
public sealed class BenchTpmHost : IDisposable
{
    private readonly SoftwareTpm _tpm;
    private readonly HostTransportKey _transport;
    private byte[] _endorsementKey = [];
    private byte[] _attestationKey = [];
    private byte[] _eventLog = [];

    public BenchTpmHost(string name)
    {
        Name = name;
        DataFolder = Directory.CreateTempSubdirectory("portal-bench-tpm-").FullName;
        var options = Options.Create(new HostAttestationOptions { HostName = name, DataFolder = DataFolder });
        _tpm = new SoftwareTpm(options, TimeProvider.System);
        _transport = new HostTransportKey(options);
    }

    public string Name { get; }

    public string DataFolder { get; }

    /// <summary>Starts the TPM (its keys are made now), registers the host with HGS and activates its AK, as an HGS admin and the agent would.</summary>
    public async Task EnrolAsync(HttpClient admin, HttpClient hgs, CancellationToken ct)
    {
        await _tpm.InitializeAsync(ct);
        _endorsementKey = _tpm.EndorsementKey.ToArray();
        _attestationKey = _tpm.AttestationKey.ToArray();
        _eventLog = _tpm.EventLog.ToArray();

        using (var registered = await admin.PostAsJsonAsync($"{HgsRoutes.Admin}/hosts",
            new RegisterHostRequest(Name, AttestationMode.TpmTrusted, _endorsementKey), ct))
        {
            await PortalSetup.EnsureAsync(registered, HttpStatusCode.Created, ct);
        }

        var client = new HgsClient(hgs);
        var challenge = await client.BeginActivationAsync(new ActivationRequest(Name, _endorsementKey, _attestationKey), ct);
        var secret = await _tpm.ActivateCredentialAsync(new TpmCredential(challenge.CredentialBlob, challenge.EncryptedSecret), ct);
        await client.CompleteActivationAsync(challenge.Id, new ActivationAnswer(secret), ct);
    }

    /// <summary>What an honest agent sends for <paramref name="nonce"/>: a quote over it and the transport key, the PCRs, the log.</summary>
    public async Task<AttestationRequest> EvidenceAsync(byte[] nonce, CancellationToken ct)
    {
        var quote = await _tpm.QuoteAsync(QuoteQualifyingData.For(nonce, _transport.Thumbprint), PolicyPcrs.Quoted, ct);
        return new AttestationRequest(AttestationMode.TpmTrusted, Name, nonce, _transport.PublicKey.ToArray(),
            Tpm: new TpmEvidence(_endorsementKey, _attestationKey, quote.Attestation, quote.Signature, quote.Pcrs, _eventLog));
    }

    public void Dispose()
    {
        _tpm.Dispose();
        _transport.Dispose();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
