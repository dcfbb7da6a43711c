using Portal.Core.Attestation.Tpm;

namespace Portal.HostAgent.Tpm;

/// <summary>A TPM 2.0 made in software (placeholder until its implementation lands).</summary>
public sealed class SoftwareTpm : ITpm
{
    public string Description => "software TPM";

    public ReadOnlyMemory<byte> EndorsementKey => throw new NotImplementedException();

    public ReadOnlyMemory<byte>? EndorsementKeyCertificate => null;

    public ReadOnlyMemory<byte> AttestationKey => throw new NotImplementedException();

    public ReadOnlyMemory<byte> EventLog => throw new NotImplementedException();

    public Task InitializeAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<byte[]> ActivateCredentialAsync(TpmCredential credential, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<TpmQuote> QuoteAsync(ReadOnlyMemory<byte> qualifyingData, IReadOnlyList<int> pcrs, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
