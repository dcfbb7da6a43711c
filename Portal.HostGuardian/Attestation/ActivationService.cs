using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.Core.Common;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Logging;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Attestation;

/// <summary>
/// Binds a host's attestation key to its registered endorsement key by credential activation: HGS makes a credential
/// (a fresh secret) that only the TPM holding that EK can open, and only for a loaded key with the AK's name; the host
/// answers with the secret. Once per AK; the secret's hash is kept until the answer, never the secret.
/// </summary>
public sealed class ActivationService(
    HgsDbContext db, EndorsementKeyCertificates ekCertificates, IOptions<HgsOptions> options, TimeProvider time, ILogger<ActivationService> logger)
{
    public async Task<ActivationChallenge> BeginAsync(ActivationRequest request, CancellationToken cancellationToken)
    {
        var endorsementKey = Parse(request.EndorsementKey, "endorsementKey", "The endorsement key is a TPM2B_PUBLIC of an RSA or ECC key.");
        var attestationKey = Parse(request.AttestationKey, "attestationKey", "The attestation key is a TPM2B_PUBLIC of an RSA or ECC key.");
        var ekThumbprint = Thumbprint.Of(endorsementKey.ToSubjectPublicKeyInfo());
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.EndorsementKeyThumbprint == ekThumbprint, cancellationToken);
        if (host is not { Mode: Core.Attestation.AttestationMode.TpmTrusted })
        {
            throw await RefuseAsync(request.HostName, $"The endorsement key {ekThumbprint} is not registered with HGS for TPM-trusted attestation.", cancellationToken);
        }

        if (ekCertificates.Check(host.EndorsementKeyCertificate, endorsementKey) is { } certificateProblem)
        {
            throw await RefuseAsync(host.Name, certificateProblem, cancellationToken);
        }

        if (!attestationKey.IsAttestationKey)
        {
            throw await RefuseAsync(host.Name, "The attestation key must be a restricted signing key, fixed to its TPM and generated in it.", cancellationToken);
        }

        var activated = await db.AttestationKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Name == attestationKey.NameHex, cancellationToken);
        if (activated is not null && activated.HostId != host.Id)
        {
            throw await RefuseAsync(host.Name, "This attestation key is already activated for another host's endorsement key.", cancellationToken);
        }

        var now = time.GetUtcNow();
        await db.PendingActivations.Where(p => p.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        var secret = RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength);
        try
        {
            var credential = CredentialActivation.Make(endorsementKey, attestationKey.Name, secret);
            var pending = new PendingActivation
            {
                Id = Guid.NewGuid(),
                HostId = host.Id,
                AttestationKeyName = attestationKey.NameHex,
                AttestationKey = request.AttestationKey,
                SecretHash = SHA256.HashData(secret),
                ExpiresAt = now + options.Value.ActivationLifetime,
            };
            db.PendingActivations.Add(pending);
            await db.SaveChangesAsync(cancellationToken);
            return new ActivationChallenge(pending.Id, credential.CredentialBlob, credential.EncryptedSecret, pending.ExpiresAt);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Checks the host's answer; on success the AK is activated for the host. A pending activation is answered once.</summary>
    public async Task<bool> CompleteAsync(Guid id, ActivationAnswer answer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = await db.PendingActivations.SingleOrDefaultAsync(p => p.Id == id && p.ExpiresAt > now, cancellationToken);
        if (pending is null)
        {
            return false;
        }

        var host = await db.Hosts.SingleAsync(h => h.Id == pending.HostId, cancellationToken);
        db.PendingActivations.Remove(pending);
        var proven = answer.Secret is { Length: > 0 and <= CredentialActivation.SecretLength }
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(answer.Secret), pending.SecretHash);
        if (!proven)
        {
            await db.SaveChangesAsync(cancellationToken);
            throw await RefuseAsync(host.Name, "The answer is not the credential's secret; the attestation key is not in this endorsement key's TPM.", cancellationToken);
        }

        if (!await db.AttestationKeys.AnyAsync(k => k.Name == pending.AttestationKeyName, cancellationToken))
        {
            db.AttestationKeys.Add(new ActivatedAttestationKey
            {
                Name = pending.AttestationKeyName, HostId = host.Id, PublicArea = pending.AttestationKey, ActivatedAt = now,
            });
        }

        Audit(host.Name, "Succeeded", $"attestation key {pending.AttestationKeyName} activated");
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("HGS activated attestation key {KeyName} for host {HostName}", pending.AttestationKeyName, LogValue.Safe(host.Name));
        return true;
    }

    private static TpmPublicArea Parse(byte[]? tpm2bPublic, string field, string rule)
    {
        try
        {
            return tpm2bPublic is { Length: > 0 and <= 2048 } ? TpmPublicArea.Parse(tpm2bPublic) : throw new TpmFormatException(rule);
        }
        catch (TpmFormatException)
        {
            throw DomainValidationException.For(field, rule);
        }
    }

    private async Task<ActivationRefusedException> RefuseAsync(string hostName, string reason, CancellationToken cancellationToken)
    {
        Audit(hostName, "Refused", reason);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogWarning("HGS refused to activate an attestation key for {HostName}: {Reason}", LogValue.Safe(hostName), reason);
        return new ActivationRefusedException(reason);
    }

    private void Audit(string hostName, string outcome, string detail) => db.Audit.Add(new HgsAuditEntry
    {
        At = time.GetUtcNow(), Actor = $"host:{LogValue.Safe(hostName)}", Action = "activate-ak", Subject = LogValue.Safe(hostName) ?? "", Outcome = outcome, Detail = detail,
    });
}

/// <summary>HGS will not activate the attestation key; the message says why.</summary>
public sealed class ActivationRefusedException(string message) : Exception(message);
