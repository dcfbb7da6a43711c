using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Keys;
using Portal.HostGuardian.Logging;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Attestation;

/// <summary>
/// HGS's attestation: checks a host's evidence for its registered mode, records the verdict (history and audit) and on
/// a pass issues a health certificate bound to the transport key the evidence signed.
/// </summary>
public sealed class AttestationService(
    HgsDbContext db, NonceStore nonces, HgsKeys keys, HostGroupCredentials groups, TimeProvider time, ILogger<AttestationService> logger,
    HgsMetrics metrics, VerdictChanges changes, EndorsementKeyCertificates ekCertificates)
{
    private const int MaxTpmStructure = 2048;

    private const int MaxPcrs = 24;

    /// <summary>Shape problems of a request by field (answered 400 as a validation problem), or null when it can be judged.</summary>
    public static Dictionary<string, string[]>? Validate(AttestationRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Nonce is not { Length: AttestationNonce.Length })
        {
            errors["nonce"] = [$"The nonce is the {AttestationNonce.Length}-byte value from a challenge."];
        }

        if (!HostNames.IsValid(request.HostName))
        {
            errors["hostName"] = [HostNames.Rule];
        }

        if (!IsTransportKey(request.TransportKey))
        {
            errors["transportKey"] = ["The transport key is the DER SubjectPublicKeyInfo of an RSA key of 2048–8192 bits."];
        }

        if (request.AdminTrusted?.Group is { } group && !HostGroupNames.IsValid(group))
        {
            errors["adminTrusted.group"] = [HostGroupNames.Rule];
        }

        var evidence = (request.Tpm is null ? 0 : 1) + (request.HostKey is null ? 0 : 1) + (request.AdminTrusted is null ? 0 : 1);
        var matches = request.Mode switch
        {
            AttestationMode.TpmTrusted => request.Tpm is
            {
                EndorsementKey.Length: > 0 and <= MaxTpmStructure, AttestationKey.Length: > 0 and <= MaxTpmStructure,
                Quote.Length: > 0 and <= MaxTpmStructure, Signature.Length: > 0 and <= MaxTpmStructure,
                Pcrs.Count: > 0 and <= MaxPcrs, EventLog.Length: > 0 and <= TcgEventLog.MaxBytes,
            } && request.Tpm.Pcrs.All(p => p?.Digest is not null),
            AttestationMode.HostKey => request.HostKey is { PublicKey: not null, Configuration: not null, Signature: not null },
            AttestationMode.AdminTrusted => request.AdminTrusted is { Group: not null, Proof: not null },
        };
        if (evidence != 1 || !matches)
        {
            errors["mode"] = [$"Send exactly the evidence of mode {request.Mode}."];
        }

        return errors.Count == 0 ? null : errors;
    }

    public async Task<AttestationOutcome> AttestAsync(AttestationRequest request, string? remoteAddress, CancellationToken cancellationToken)
    {
        var transportThumbprint = Thumbprint.Of(request.TransportKey);
        var verdict = await JudgeAsync(request, transportThumbprint, cancellationToken);

        var now = time.GetUtcNow();
        HealthCertificate? certificate = null;
        var reason = verdict.Reason;
        if (verdict is { Status: AttestationStatus.Passed, Host: { } host })
        {
            certificate = keys.Issue(host, request.TransportKey);
            reason = $"Passed {request.Mode} attestation; health certificate valid until {certificate.ExpiresAt:O}.";
        }

        var hostName = verdict.Host?.Name ?? request.HostName;
        db.Attestations.Add(new AttestationRecord
        {
            HostId = verdict.Host?.Id,
            HostName = hostName,
            Mode = request.Mode,
            Status = verdict.Status,
            SubStatus = verdict.SubStatus,
            Reason = reason,
            CertificateSerial = certificate?.Serial,
            CertificateExpiresAt = certificate?.ExpiresAt,
            TransportKeyThumbprint = transportThumbprint,
            RemoteAddress = remoteAddress,
            At = now,
        });
        db.Audit.Add(new HgsAuditEntry
        {
            At = now,
            Actor = verdict.Host is null ? "anonymous" : $"host:{hostName}",
            Action = "attest",
            Subject = $"{hostName} ({request.Mode})",
            Outcome = verdict.Status.ToString(),
            Detail = verdict.SubStatus == AttestationSubStatus.None ? reason : $"{verdict.SubStatus}: {reason}",
        });
        await db.SaveChangesAsync(cancellationToken);

        metrics.Attested(request.Mode, verdict.Status, verdict.SubStatus);
        logger.Log(
            changes.Changed(hostName, verdict.Status, verdict.SubStatus) ? LogLevel.Information : LogLevel.Debug,
            "Attestation of {HostName} in mode {Mode}: {Status} {SubStatus} (certificate {CertificateSerial})",
            LogValue.Safe(hostName), request.Mode, verdict.Status, verdict.SubStatus, certificate?.Serial);

        return certificate is null
            ? AttestationOutcome.Failed(verdict.Status, verdict.SubStatus, reason)
            : new AttestationOutcome(AttestationStatus.Passed, AttestationSubStatus.None, reason, certificate.ToArray(), certificate.ExpiresAt);
    }

    // Fails closed: whatever goes wrong while judging refuses the host, with the reason in words; it never passes.
    private async Task<Verdict> JudgeAsync(AttestationRequest request, string transportThumbprint, CancellationToken cancellationToken)
    {
        try
        {
            return request.Mode switch
            {
                AttestationMode.TpmTrusted => await new TpmAttestationCheck(db, nonces, ekCertificates, time).CheckAsync(request, request.Tpm!, transportThumbprint, cancellationToken),
                AttestationMode.HostKey => await CheckHostKeyAsync(request, request.HostKey!, transportThumbprint, cancellationToken),
                AttestationMode.AdminTrusted => await CheckAdminTrustedAsync(request, request.AdminTrusted!, transportThumbprint, cancellationToken),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "HGS could not judge the {Mode} evidence of {HostName}; the host is refused", request.Mode, LogValue.Safe(request.HostName));
            db.ChangeTracker.Clear();
            return Verdict.Fail(e is System.Data.Common.DbException ? AttestationStatus.TransientError : AttestationStatus.TpmError,
                $"HGS could not verify the evidence ({e.GetType().Name}); the host is refused until it can.");
        }
    }

    private async Task<Verdict> CheckHostKeyAsync(AttestationRequest request, HostKeyEvidence evidence, string transportThumbprint, CancellationToken cancellationToken)
    {
        var keyThumbprint = Thumbprint.Of(evidence.PublicKey);
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.HostKeyThumbprint == keyThumbprint, cancellationToken);
        if (host is not { Mode: AttestationMode.HostKey })
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost, $"The host key {keyThumbprint} is not registered with HGS.");
        }

        var statement = HostKeyStatement.SignedBytes(request.Nonce, transportThumbprint, evidence.Configuration);
        if (!HostKeyStatement.Verify(host.HostKey, statement, evidence.Signature))
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost, "The host key's signature does not verify; the statement was forged or altered.", host);
        }

        if (!await nonces.TryConsumeAsync(request.Nonce, cancellationToken))
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost, "The nonce is unknown, expired or already used; a replayed statement is refused.", host);
        }

        var findings = evidence.Configuration.Findings();
        if (!CodeIntegrityPolicies.IsWellFormedHash(evidence.Configuration.CodeIntegrityPolicy)
            || !await PolicyChecks.IsAllowedCodeIntegrityPolicyAsync(db, evidence.Configuration.CodeIntegrityPolicy, cancellationToken))
        {
            findings |= AttestationSubStatus.CodeIntegrityPolicy;
        }

        return findings == AttestationSubStatus.None
            ? Verdict.Pass(host)
            : Verdict.Fail(AttestationStatus.InsecureHostConfiguration, $"The host reports a configuration that breaks HGS policy: {PolicyChecks.Describe(findings)}.", host, findings);
    }

    private async Task<Verdict> CheckAdminTrustedAsync(AttestationRequest request, AdminTrustedEvidence evidence, string transportThumbprint, CancellationToken cancellationToken)
    {
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.Name == request.HostName && h.Mode == AttestationMode.AdminTrusted, cancellationToken);
        if (host is null || host.Group != evidence.Group)
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost, $"The host '{request.HostName}' is not registered with HGS as a member of host group '{evidence.Group}'.");
        }

        var credential = await groups.OpenAsync(evidence.Group, cancellationToken);
        if (credential is null)
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost, $"The host group '{evidence.Group}' is not an allowed host group.", host);
        }

        try
        {
            if (!HostGroupProof.Verify(credential, request.Nonce, transportThumbprint, host.Name, evidence.Proof))
            {
                return Verdict.Fail(AttestationStatus.UnauthorizedHost, $"The proof of the host group '{evidence.Group}' credential does not verify.", host);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }

        return await nonces.TryConsumeAsync(request.Nonce, cancellationToken)
            ? Verdict.Pass(host)
            : Verdict.Fail(AttestationStatus.UnauthorizedHost, "The nonce is unknown, expired or already used; a replayed proof is refused.", host);
    }

    private static bool IsTransportKey(byte[]? spki)
    {
        if (spki is null)
        {
            return false;
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out var read);
            return read == spki.Length && rsa.KeySize is >= 2048 and <= 8192;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
