using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Tpm;
using Portal.HostGuardian.Options;

namespace Portal.HostGuardian.Attestation;

/// <summary>
/// Checks a host's EK certificate against the TPM manufacturers' CAs HGS trusts (<see cref="EndorsementKeyCertificateOptions"/>):
/// it must name exactly the host's endorsement key and chain to a trusted CA. Loaded once; the CA files are read at start.
/// </summary>
public sealed class EndorsementKeyCertificates
{
    private readonly X509Certificate2Collection _roots = [];
    private readonly X509Certificate2Collection _intermediates = [];

    public EndorsementKeyCertificates(IOptions<HgsOptions> options)
    {
        Required = options.Value.EndorsementKeyCertificates.Required;
        foreach (var file in options.Value.EndorsementKeyCertificates.TrustedCertificates)
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(file);
            foreach (var certificate in certificates)
            {
                (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) ? _roots : _intermediates).Add(certificate);
            }
        }
    }

    public bool Required { get; }

    private bool HasTrustedCas => _roots.Count > 0;

    /// <summary>Null when the certificate is acceptable for <paramref name="endorsementKey"/>, else why not, in words.</summary>
    public string? Check(byte[]? certificateDer, TpmPublicArea endorsementKey)
    {
        if (certificateDer is null)
        {
            return Required ? "HGS requires an EK certificate from a trusted TPM manufacturer, and the host has none." : null;
        }

        if (!Required && !HasTrustedCas)
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        }
        catch (CryptographicException)
        {
            return "The EK certificate is not a DER X.509 certificate.";
        }

        using (certificate)
        {
            if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(endorsementKey.ToSubjectPublicKeyInfo()))
            {
                return "The EK certificate names another key than the host's endorsement key.";
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
            if (!chain.Build(certificate))
            {
                var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
                return $"The EK certificate (issued by '{certificate.Issuer}') does not chain to a TPM manufacturer CA HGS trusts: {status}";
            }
        }

        return null;
    }
}
