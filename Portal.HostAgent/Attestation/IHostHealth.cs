using Portal.Core.Attestation;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// What the host agent knows about its own health: its latest attestation outcome (the health certificate is held in
/// memory only), a way to attest again now, and the public half of its transport key — the key HGS re-wraps released
/// VM keys for. Registered by <c>builder.AddHostAttestation()</c>; a singleton shared by the worker and the
/// hypervisor driver.
/// </summary>
public interface IHostHealth
{
    /// <summary>The latest outcome, or null before the first attestation finished.</summary>
    AttestationOutcome? Current { get; }

    /// <summary>
    /// True when <see cref="Current"/> passed and its certificate has not expired by the agent's clock. A host that is
    /// not healthy must start no shielded VM.
    /// </summary>
    bool IsHealthy { get; }

    /// <summary>Raised after every attestation (pass or fail) with the new outcome, e.g. to report health to the portal.</summary>
    event Action<AttestationOutcome>? Changed;

    /// <summary>
    /// Attests to HGS now and returns the outcome (never throws for HGS failures: an unreachable HGS is
    /// <see cref="AttestationStatus.TransientError"/>). Concurrent callers share one attestation.
    /// </summary>
    Task<AttestationOutcome> AttestNowAsync(CancellationToken cancellationToken);

    /// <summary>DER SubjectPublicKeyInfo of the host's transport RSA key (the private half never leaves the agent).</summary>
    ReadOnlyMemory<byte> TransportPublicKey { get; }

    /// <summary>Thumbprint (SHA-256 of the SPKI, upper-case hex) of the transport key.</summary>
    string TransportKeyThumbprint { get; }

    /// <summary>What this host attests with (e.g. "swtpm 0.7.1 at 127.0.0.1:2321"), or null in modes without a TPM.</summary>
    string? TpmDescription { get; }

    /// <summary>
    /// What the HGS admin registers for this host (name, mode, endorsement key and EK certificate / host key / group;
    /// public parts only). Makes the TPM ready first in TPM-trusted mode.
    /// </summary>
    Task<HostAttestationIdentity> GetIdentityAsync(CancellationToken cancellationToken);
}
