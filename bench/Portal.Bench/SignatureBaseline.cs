using System.Security.Cryptography;
using Portal.Core.Attestation;

namespace Portal.Bench;

/// <summary>
/// The attestation benchmark's CPU-only operations: raw signature verification of a quote-sized message (the
/// baselines) and the health certificate HGS signs on a pass. Each worker has its own key and its own signed message,
/// made before timing, so workers never share a key object.
/// </summary>
public static class SignatureBaseline
{
    /// <summary>ECDSA P-256 / SHA-256 <c>VerifyData</c>: what a TPM quote's ECDSA signature check costs on its own.</summary>
    public static BenchOperation Ecdsa(int concurrency)
    {
        var workers = Enumerable.Range(0, concurrency).Select(_ =>
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var data = RandomNumberGenerator.GetBytes(AttestationBench.QuoteSize);
            return (Key: key, Data: data, Signature: key.SignData(data, HashAlgorithmName.SHA256));
        }).ToArray();
        return (worker, _, _) =>
        {
            var (key, data, signature) = workers[worker];
            return Task.FromResult(key.VerifyData(data, signature, HashAlgorithmName.SHA256) ? null : "ECDSA signature does not verify");
        };
    }

    /// <summary>RSA-2048 PKCS#1 v1.5 / SHA-256 <c>VerifyData</c>: a hardware TPM's usual RSA AK.</summary>
    public static BenchOperation Rsa(int concurrency)
    {
        var workers = Enumerable.Range(0, concurrency).Select(_ =>
        {
            var key = RSA.Create(2048);
            var data = RandomNumberGenerator.GetBytes(AttestationBench.QuoteSize);
            return (Key: key, Data: data, Signature: key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }).ToArray();
        return (worker, _, _) =>
        {
            var (key, data, signature) = workers[worker];
            return Task.FromResult(key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                ? null
                : "RSA signature does not verify");
        };
    }

    /// <summary>
    /// <see cref="Portal.Core.Attestation.HealthCertificate.Issue"/> as HGS calls it on a pass (ECDSA P-384 / SHA-384
    /// signer), with a signing key per worker where HGS has one signer behind a lock.
    /// </summary>
    public static BenchOperation HealthCertificate(int concurrency, byte[] transportKey)
    {
        var keys = Enumerable.Range(0, concurrency).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP384)).ToArray();
        var hostId = Guid.NewGuid();
        return (worker, _, _) =>
        {
            var now = DateTimeOffset.UtcNow;
            var certificate = Core.Attestation.HealthCertificate.Issue(
                Guid.NewGuid(), hostId, "bench-tpm-1", transportKey, AttestationMode.TpmTrusted, now, now.AddHours(8), keys[worker]);
            return Task.FromResult(certificate.ToArray().Length > 0 ? null : "empty certificate");
        };
    }
}
