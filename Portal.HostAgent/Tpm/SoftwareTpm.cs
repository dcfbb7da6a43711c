using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tpm;

/// <summary>
/// A TPM 2.0 in software for machines without one, producing what a real TPM produces: an ECC P-256 endorsement key
/// with the standard EK template, a restricted ECDSA attestation key, a SHA-256 PCR bank extended at start from the
/// simulated firmware's measured boot, TPMS_ATTEST quotes signed as TPMT_SIGNATURE, and TPM2_ActivateCredential. Keys
/// are persisted in <c>{DataFolder}/tpm</c>. It models an honest TPM: the PCRs reflect the boot that was measured,
/// even when the reported log was tampered with.
/// </summary>
public sealed class SoftwareTpm : ITpm, IDisposable
{
    /// <summary>The TPM firmware version a software TPM reports in its quotes.</summary>
    public const ulong TpmFirmwareVersion = 0x0001_0000_0000_0000;

    private const int PcrCount = 24;
    private const int MaxQualifyingData = 64;

    /// <summary>TPM2_PolicySecret(TPM_RH_ENDORSEMENT): the auth policy of the TCG's low-range EK templates.</summary>
    private static readonly byte[] EndorsementKeyPolicy = Convert.FromHexString("837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA");

    private static readonly TpmObjectAttributes EndorsementKeyAttributes =
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
        | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt;

    private static readonly TpmObjectAttributes AttestationKeyAttributes =
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
        | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign;

    private readonly string _folder;
    private readonly Func<SimulatedBoot> _boot;
    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private readonly Lock _lock = new();
    private State? _state;

    public SoftwareTpm(IOptions<HostAttestationOptions> options, TimeProvider time)
        : this(options, time, () => SimulatedBoot.From(options.Value.Simulate))
    {
    }

    /// <summary>A software TPM that plays <paramref name="boot"/> at start instead of the one the settings describe.</summary>
    internal SoftwareTpm(IOptions<HostAttestationOptions> options, TimeProvider time, Func<SimulatedBoot> boot)
    {
        _folder = Path.Combine(options.Value.DataFolder, "tpm");
        _boot = boot;
        _time = time;
        _startedAt = time.GetTimestamp();
    }

    public string Description => "software TPM";

    public ReadOnlyMemory<byte> EndorsementKey => Ready().EndorsementPublic.Encoded;

    public ReadOnlyMemory<byte>? EndorsementKeyCertificate => null;

    public ReadOnlyMemory<byte> AttestationKey => Ready().AttestationPublic.Encoded;

    public ReadOnlyMemory<byte> EventLog => Ready().EventLog.Value;

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _state ??= Start();
        }

        return Task.CompletedTask;
    }

    public Task<byte[]> ActivateCredentialAsync(TpmCredential credential, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = Ready();
        byte[]? secret;
        lock (_lock)
        {
            secret = CredentialActivation.Activate(state.Endorsement, state.EndorsementPublic, state.AttestationPublic.Name, credential);
        }

        return secret is not null
            ? Task.FromResult(secret)
            : throw new TpmException("The credential does not open: it was not made for this TPM's endorsement key and attestation key.");
    }

    public Task<TpmQuote> QuoteAsync(ReadOnlyMemory<byte> qualifyingData, IReadOnlyList<int> pcrs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = Ready();
        if (qualifyingData.Length > MaxQualifyingData)
        {
            throw new TpmException($"The qualifying data is {qualifyingData.Length} bytes; a quote carries at most {MaxQualifyingData}.");
        }

        if (pcrs.Count == 0 || pcrs.Any(pcr => pcr is < 0 or >= PcrCount) || pcrs.Distinct().Count() != pcrs.Count)
        {
            throw new TpmException($"A quote selects distinct PCRs 0–{PcrCount - 1}, not [{string.Join(", ", pcrs)}].");
        }

        var selected = pcrs.Order().ToList();
        var values = selected.Select(pcr => new PcrValue(pcr, (byte[])state.Pcrs[pcr].Clone())).ToList();
        var pcrDigest = SHA256.HashData(values.SelectMany(v => v.Digest).ToArray());
        var clock = (ulong)_time.GetElapsedTime(_startedAt).TotalMilliseconds;
        var attestation = TpmQuoteInfo.Encode(
            state.AttestationPublic.Name, qualifyingData.Span, clock, resetCount: 0, restartCount: 0, safe: true, TpmFirmwareVersion,
            [new TpmPcrSelection(TpmAlgorithm.Sha256, selected)], pcrDigest);

        byte[] rs;
        lock (_lock)
        {
            rs = state.Attestation.SignData(attestation, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        var signature = TpmSignature.Ecdsa(TpmAlgorithm.Sha256, rs[..(rs.Length / 2)], rs[(rs.Length / 2)..]);
        return Task.FromResult(new TpmQuote(attestation, signature.ToBytes(), values));
    }

    public void Dispose()
    {
        _state?.Endorsement.Dispose();
        _state?.Attestation.Dispose();
    }

    private State Ready() =>
        Volatile.Read(ref _state) ?? throw new InvalidOperationException("The TPM is not initialised: call InitializeAsync first.");

    private State Start()
    {
        var endorsement = PersistedKeys.LoadOrCreateEcdh(_folder, "endorsement-key-ecdh.pem");
        var attestation = PersistedKeys.LoadOrCreateEcdsa(_folder, "attestation-key.pem");
        var endorsementPublic = TpmPublicArea.CreateEcc(
            TpmAlgorithm.Sha256, EndorsementKeyAttributes, EndorsementKeyPolicy, symmetricKeyBits: 128, TpmAlgorithm.Null, TpmAlgorithm.Null,
            endorsement.ExportParameters(includePrivateParameters: false));
        var attestationPublic = TpmPublicArea.CreateEcc(
            TpmAlgorithm.Sha256, AttestationKeyAttributes, [], symmetricKeyBits: 0, TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256,
            attestation.ExportParameters(includePrivateParameters: false));

        var boot = _boot();
        var pcrs = Enumerable.Range(0, PcrCount).Select(_ => new byte[SHA256.HashSizeInBytes]).ToArray();
        foreach (var measured in boot.Measured.Events)
        {
            if (measured.Pcr is < 0 or >= PcrCount || measured.Sha256Digest.Length != SHA256.HashSizeInBytes)
            {
                throw new TpmException($"The measured boot extends PCR {measured.Pcr} with a {measured.Sha256Digest.Length}-byte digest.");
            }

            pcrs[measured.Pcr] = SHA256.HashData([.. pcrs[measured.Pcr], .. measured.Sha256Digest]);
        }

        return new State(endorsement, endorsementPublic, attestation, attestationPublic, pcrs, new Lazy<byte[]>(boot.Reported.ToBytes));
    }

    private sealed record State(
        ECDiffieHellman Endorsement,
        TpmPublicArea EndorsementPublic,
        ECDsa Attestation,
        TpmPublicArea AttestationPublic,
        byte[][] Pcrs,
        Lazy<byte[]> EventLog);
}
