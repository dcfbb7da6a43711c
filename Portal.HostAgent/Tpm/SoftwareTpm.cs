using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Evidence;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tpm;

/// <summary>
/// A TPM simulated in software that still produces real signatures over real measurements: per-host keys persisted in
/// <c>{DataFolder}/tpm</c>, a measured boot built from the host's (possibly misconfigured) settings, PCRs extended
/// from it. It models an honest TPM: the PCRs always reflect the real boot, even when the reported log was tampered.
/// </summary>
public sealed class SoftwareTpm : ITpm, IDisposable
{
    private readonly ECDsa _endorsementKey;
    private readonly RSA _transportKey;
    private readonly byte[] _pcrComposite;
    private readonly Lock _lock = new();

    public SoftwareTpm(IOptions<HostAttestationOptions> options)
    {
        var settings = options.Value;
        var folder = Path.Combine(settings.DataFolder, "tpm");
        _endorsementKey = PersistedKeys.LoadOrCreateEcdsa(folder, "endorsement-key.pem");
        _transportKey = PersistedKeys.LoadOrCreateRsa(folder, "transport-key.pem");
        EndorsementKey = _endorsementKey.ExportSubjectPublicKeyInfo();
        TransportKey = _transportKey.ExportSubjectPublicKeyInfo();

        var measured = new BootSettings(SecureBoot: !settings.Simulate.SecureBootOff, Iommu: !settings.Simulate.IommuOff).Log();
        _pcrComposite = MeasuredBoot.CompositeDigest(measured);
        BootLog = settings.Simulate.TamperBootLog ? Tampered(measured) : measured;
        CodeIntegrityPolicy = settings.Simulate.UnknownCodeIntegrityPolicy
            ? CodeIntegrityPolicies.HashOf("unsigned test policy: allow everything")
            : CodeIntegrityPolicies.DefaultPolicyHash;
    }

    public ReadOnlyMemory<byte> EndorsementKey { get; }

    public ReadOnlyMemory<byte> TransportKey { get; }

    public IReadOnlyList<BootEvent> BootLog { get; }

    public string CodeIntegrityPolicy { get; }

    public TpmQuoteResult Quote(ReadOnlySpan<byte> nonce, string transportKeyThumbprint)
    {
        var signed = TpmQuote.SignedBytes(nonce, _pcrComposite, CodeIntegrityPolicy, transportKeyThumbprint);
        lock (_lock)
        {
            return new TpmQuoteResult((byte[])_pcrComposite.Clone(), CodeIntegrityPolicy, _endorsementKey.SignData(signed, TpmQuote.Hash));
        }
    }

    public byte[]? UnwrapWithTransportKey(ReadOnlySpan<byte> wrapped)
    {
        lock (_lock)
        {
            return Core.Shielding.KeyProtectors.KeyWrap.TryUnwrap(wrapped, _transportKey);
        }
    }

    public byte[] SignWithTransportKey(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            return KeyReleaseProof.Sign(_transportKey, data);
        }
    }

    public void Dispose()
    {
        _endorsementKey.Dispose();
        _transportKey.Dispose();
    }

    // Someone edited the log after boot to hide what was really loaded: the event re-hashes fine, the replay does not.
    private static IReadOnlyList<BootEvent> Tampered(IReadOnlyList<BootEvent> log) =>
        log.Select(e => e.Type == "BootManager" ? BootEvent.Measure(e.Pcr, e.Type, "bootmgfw.efi 10.0 (patched)") : e).ToList();
}
