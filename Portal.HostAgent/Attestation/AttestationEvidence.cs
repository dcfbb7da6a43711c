using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Attestation;

/// <summary>Builds the attestation request for this host's mode over HGS's nonce.</summary>
internal sealed class AttestationEvidence(HostAttestationOptions options, ITpm tpm, SoftwareHostKey hostKey, HostTransportKey transportKey)
{
    public async Task<AttestationRequest> BuildAsync(byte[] nonce, CancellationToken cancellationToken)
    {
        var transport = transportKey.PublicKey.ToArray();
        return options.AttestationMode switch
        {
            AttestationMode.TpmTrusted => await TpmTrustedAsync(nonce, transport, cancellationToken),
            AttestationMode.HostKey => HostKey(nonce, transport),
            AttestationMode.AdminTrusted => AdminTrusted(nonce, transport),
        };
    }

    private async Task<AttestationRequest> TpmTrustedAsync(byte[] nonce, byte[] transport, CancellationToken cancellationToken)
    {
        var quote = await tpm.QuoteAsync(QuoteQualifyingData.For(nonce, transportKey.Thumbprint), PolicyPcrs.Quoted, cancellationToken);
        var evidence = new TpmEvidence(
            tpm.EndorsementKey.ToArray(), tpm.AttestationKey.ToArray(), quote.Attestation, quote.Signature, quote.Pcrs, tpm.EventLog.ToArray());
        return new AttestationRequest(AttestationMode.TpmTrusted, options.HostName, nonce, transport, Tpm: evidence);
    }

    private AttestationRequest HostKey(byte[] nonce, byte[] transport)
    {
        var configuration = new HostConfigurationReport(
            SecureBoot: !options.Simulate.SecureBootOff,
            Iommu: !options.Simulate.IommuOff,
            VirtualSecureMode: true,
            CodeIntegrityPolicy: CodeIntegrityPolicies.HashOf(options.Simulate.UnknownCodeIntegrityPolicy
                ? SimulatedBoot.UnknownCodeIntegrityPolicy
                : SimulatedFirmware.DefaultCodeIntegrityPolicy));
        var signature = hostKey.Sign(HostKeyStatement.SignedBytes(nonce, transportKey.Thumbprint, configuration));
        return new AttestationRequest(AttestationMode.HostKey, options.HostName, nonce, transport,
            HostKey: new HostKeyEvidence(hostKey.PublicKey.ToArray(), configuration, signature));
    }

    private AttestationRequest AdminTrusted(byte[] nonce, byte[] transport)
    {
        var credential = Convert.FromBase64String(options.HostGroupCredential ?? "");
        var proof = HostGroupProof.Compute(credential, nonce, transportKey.Thumbprint, options.HostName);
        return new AttestationRequest(AttestationMode.AdminTrusted, options.HostName, nonce, transport,
            AdminTrusted: new AdminTrustedEvidence(options.HostGroup ?? "", proof));
    }
}
