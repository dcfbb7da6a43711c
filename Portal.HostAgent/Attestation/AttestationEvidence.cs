using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Protocol;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Attestation;

/// <summary>Builds the attestation request for this host's mode over HGS's nonce.</summary>
internal sealed class AttestationEvidence(HostAttestationOptions options, ITpm tpm, SoftwareHostKey hostKey, string transportKeyThumbprint)
{
    public AttestationRequest Build(byte[] nonce)
    {
        var transportKey = tpm.TransportKey.ToArray();
        return options.AttestationMode switch
        {
            AttestationMode.TpmTrusted => TpmTrusted(nonce, transportKey),
            AttestationMode.HostKey => HostKey(nonce, transportKey),
            AttestationMode.AdminTrusted => AdminTrusted(nonce, transportKey),
        };
    }

    private AttestationRequest TpmTrusted(byte[] nonce, byte[] transportKey)
    {
        var quote = tpm.Quote(nonce, transportKeyThumbprint);
        var evidence = new TpmEvidence(tpm.EndorsementKey.ToArray(), quote.PcrDigest, quote.CodeIntegrityPolicy, tpm.BootLog, quote.Signature);
        return new AttestationRequest(AttestationMode.TpmTrusted, options.HostName, nonce, transportKey, Tpm: evidence);
    }

    private AttestationRequest HostKey(byte[] nonce, byte[] transportKey)
    {
        var configuration = new HostConfigurationReport(
            SecureBoot: !options.Simulate.SecureBootOff,
            Iommu: !options.Simulate.IommuOff,
            VirtualSecureMode: true,
            CodeIntegrityPolicy: tpm.CodeIntegrityPolicy);
        var signature = hostKey.Sign(HostKeyStatement.SignedBytes(nonce, transportKeyThumbprint, configuration));
        return new AttestationRequest(AttestationMode.HostKey, options.HostName, nonce, transportKey,
            HostKey: new HostKeyEvidence(hostKey.PublicKey.ToArray(), configuration, signature));
    }

    private AttestationRequest AdminTrusted(byte[] nonce, byte[] transportKey)
    {
        var credential = Convert.FromBase64String(options.HostGroupCredential ?? "");
        var proof = HostGroupProof.Compute(credential, nonce, transportKeyThumbprint, options.HostName);
        return new AttestationRequest(AttestationMode.AdminTrusted, options.HostName, nonce, transportKey,
            AdminTrusted: new AdminTrustedEvidence(options.HostGroup ?? "", proof));
    }
}
