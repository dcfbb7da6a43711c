using Portal.Core.Attestation;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>The host's health as a test sets it; an attestation returns <see cref="NextAttestation"/>.</summary>
internal sealed class FakeHostHealth(TimeProvider time) : IHostHealth
{
    public AttestationOutcome? Current { get; set; }

    /// <summary>What the next attestation concludes; null makes it pass.</summary>
    public AttestationOutcome? NextAttestation { get; set; }

    public int Attestations { get; private set; }

    public bool IsHealthy => Current?.IsHealthyAt(time.GetUtcNow()) == true;

    public event Action<AttestationOutcome>? Changed
    {
        add { }
        remove { }
    }

    public ReadOnlyMemory<byte> TransportPublicKey => TestTransport.Key.ExportSubjectPublicKeyInfo();

    public string TransportKeyThumbprint => "";

    public string? TpmDescription => null;

    public Task<HostAttestationIdentity> GetIdentityAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new HostAttestationIdentity("test-host", AttestationMode.HostKey, null, null, null));

    public AttestationOutcome Passed() => new(AttestationStatus.Passed, AttestationSubStatus.None, "Healthy", [1, 2, 3], time.GetUtcNow().AddHours(1));

    public void BeHealthy() => Current = Passed();

    public Task<AttestationOutcome> AttestNowAsync(CancellationToken cancellationToken)
    {
        Attestations++;
        Current = NextAttestation ?? Passed();
        return Task.FromResult(Current);
    }
}
