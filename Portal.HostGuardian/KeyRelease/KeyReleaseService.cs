using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostGuardian.Keys;
using Portal.HostGuardian.Logging;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.KeyRelease;

/// <summary>
/// HGS's key protection: releases a VM key (or a shielding data file's content key) to a healthy host only, re-wrapped
/// for the transport key its health certificate is bound to. Each check that fails refuses; every attempt is audited.
/// </summary>
public sealed class KeyReleaseService(HgsDbContext db, HgsKeys keys, IOptions<HgsOptions> options, TimeProvider time, ILogger<KeyReleaseService> logger,
    HgsMetrics metrics)
{
    public async Task<KeyReleaseResult> ReleaseAsync(KeyReleaseRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (result, hostName, subject) = await DecideAsync(request, now, cancellationToken);
        db.Audit.Add(new HgsAuditEntry
        {
            At = now,
            Actor = hostName is null ? "anonymous" : $"host:{hostName}",
            Action = request.KeyProtector is not null ? "keys.release.key-protector" : "keys.release.shielding-data",
            Subject = subject,
            Outcome = result.Refusal?.ToString() ?? "Succeeded",
            Detail = result.Reason,
        });
        await db.SaveChangesAsync(cancellationToken);
        metrics.KeyRelease(result.Refusal);
        if (result.Refusal is { } refusal)
        {
            logger.LogWarning("Key release for {Subject} to {HostName} refused: {Refusal}", LogValue.Safe(subject), LogValue.Safe(hostName), refusal);
        }
        else
        {
            logger.LogInformation("Key release for {Subject} to {HostName} succeeded", LogValue.Safe(subject), LogValue.Safe(hostName));
        }

        return result;
    }

    private async Task<(KeyReleaseResult Result, string? HostName, string Subject)> DecideAsync(KeyReleaseRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var subject = "unreadable protector";
        if ((request.KeyProtector is null) == (request.ShieldingData is null) || request.HealthCertificate is null || request.Proof is null)
        {
            return (KeyReleaseResult.Refused(KeyReleaseRefusal.MalformedProtector, "Send a health certificate, a proof, and exactly one of keyProtector or shieldingData."), null, subject);
        }

        HealthCertificate certificate;
        try
        {
            certificate = HealthCertificate.Verify(request.HealthCertificate, keys.SignerPublicKey, now);
        }
        catch (HealthCertificateException e)
        {
            var refusal = e.Error == HealthCertificateError.Expired ? KeyReleaseRefusal.CertificateExpired : KeyReleaseRefusal.CertificateInvalid;
            return (KeyReleaseResult.Refused(refusal, e.Message), null, subject);
        }

        var hostName = certificate.HostName;
        if (await db.RevokedCertificates.AnyAsync(r => r.Serial == certificate.Serial, cancellationToken))
        {
            return (KeyReleaseResult.Refused(KeyReleaseRefusal.CertificateRevoked, $"The health certificate {certificate.Serial} was revoked."), hostName, subject);
        }

        if (!await db.Hosts.AnyAsync(h => h.Id == certificate.HostId, cancellationToken))
        {
            return (KeyReleaseResult.Refused(KeyReleaseRefusal.HostNotRegistered, $"The host '{hostName}' is no longer registered with HGS."), hostName, subject);
        }

        var latest = await db.Attestations.Where(a => a.HostId == certificate.HostId).OrderByDescending(a => a.Id)
            .Select(a => new { a.Status, a.SubStatus }).FirstOrDefaultAsync(cancellationToken);
        if (latest is not { Status: AttestationStatus.Passed })
        {
            return (KeyReleaseResult.Refused(KeyReleaseRefusal.HostNotHealthy,
                $"The host '{hostName}' failed its latest attestation ({latest?.Status} {latest?.SubStatus}); it must pass again."), hostName, subject);
        }

        var blob = request.KeyProtector ?? request.ShieldingData!;
        using var transportKey = certificate.CreateTransportKey();
        var skew = options.Value.KeyReleaseClockSkew;
        if ((now - request.RequestedAt).Duration() > skew
            || !KeyReleaseProof.Verify(transportKey, KeyReleaseProof.SignedBytes(request.HealthCertificate, blob, request.RequestedAt), request.Proof))
        {
            return (KeyReleaseResult.Refused(KeyReleaseRefusal.TransportKeyMismatch,
                "The request is not signed by the transport key the health certificate is bound to (or its time is off by more than the allowed skew); " +
                "a certificate is only good for the host that attested."), hostName, subject);
        }

        var guardian = keys.FabricGuardian;
        try
        {
            if (request.KeyProtector is { } protectorBytes)
            {
                var protector = KeyProtector.Read(protectorBytes);
                subject = $"key protector {protector.Id}";
                if (!protector.IsWrappedFor(guardian.PublicKeys))
                {
                    return (NotListed(), hostName, subject);
                }

                var wrapped = protector.RewrapFor(guardian, transportKey);
                return (Released(wrapped, certificate), hostName, subject);
            }

            var file = ShieldingDataFile.Read(request.ShieldingData!);
            subject = $"shielding data {file.Metadata.FileId}";
            if (!file.IsWrappedFor(guardian.PublicKeys))
            {
                return (NotListed(), hostName, subject);
            }

            return (Released(file.RewrapContentKey(guardian, transportKey), certificate), hostName, subject);
        }
        catch (GuardianNotListedException)
        {
            return (NotListed(), hostName, subject);
        }
        catch (ShieldingFormatException e)
        {
            return (KeyReleaseResult.Refused(KeyReleaseRefusal.MalformedProtector, e.Message), hostName, subject);
        }
        catch (CryptographicException)
        {
            return (KeyReleaseResult.Refused(KeyReleaseRefusal.MalformedProtector, "The wrapped key could not be unwrapped or re-wrapped."), hostName, subject);
        }
    }

    private KeyReleaseResult NotListed() => KeyReleaseResult.Refused(KeyReleaseRefusal.GuardianNotListed,
        $"This fabric's guardian '{keys.FabricGuardian.Name}' ({keys.FabricGuardian.PublicKeys.EncryptionThumbprint}) is not among the protector's guardians.");

    private static KeyReleaseResult Released(byte[] wrapped, HealthCertificate certificate) =>
        new(new KeyReleaseResponse(wrapped, certificate.TransportKeyThumbprint), null, $"Released to {certificate.HostName}.");
}
