using Microsoft.EntityFrameworkCore;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Tpm;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Common;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Admin;

/// <summary>
/// The HGS admin's use cases: hosts, baselines, code-integrity policies, host groups, history, revocation. Behind the
/// admin API; also callable in-process (e.g. the embedded default registering its simulated hosts). Every change is
/// audited with actor "admin".
/// </summary>
public sealed class HgsAdministration(HgsDbContext db, HostGroupCredentials groups, EndorsementKeyCertificates ekCertificates, TimeProvider time)
{
    public async Task<RegisteredHostDto> RegisterHostAsync(RegisterHostRequest request, CancellationToken cancellationToken)
    {
        Require(HostNames.IsValid(request.Name), "name", HostNames.Rule);
        var host = new RegisteredHost { Id = Guid.NewGuid(), Name = request.Name, Mode = request.Mode, RegisteredAt = time.GetUtcNow() };
        switch (request.Mode)
        {
            case AttestationMode.TpmTrusted:
                var endorsementKey = EndorsementKey(request.EndorsementKey);
                if (ekCertificates.Check(request.EndorsementKeyCertificate, endorsementKey) is { } certificateProblem)
                {
                    throw DomainValidationException.For("endorsementKeyCertificate", certificateProblem);
                }

                host.EndorsementKey = request.EndorsementKey;
                host.EndorsementKeyThumbprint = Thumbprint.Of(endorsementKey.ToSubjectPublicKeyInfo());
                host.EndorsementKeyCertificate = request.EndorsementKeyCertificate;
                break;
            case AttestationMode.HostKey:
                Require(request.HostKey is { } hk && EcdsaKeys.IsPublicKey(hk), "hostKey", "A host-key host needs its host key (ECDSA public key, DER SPKI).");
                host.HostKey = request.HostKey;
                host.HostKeyThumbprint = Thumbprint.Of(request.HostKey);
                break;
            case AttestationMode.AdminTrusted:
                Require(request.Group is not null && await db.HostGroups.AnyAsync(g => g.Name == request.Group, cancellationToken), "group", "An admin-trusted host needs an existing host group.");
                host.Group = request.Group;
                break;
        }

        if (await db.Hosts.AnyAsync(h => h.Name == host.Name
                || (host.EndorsementKeyThumbprint != null && h.EndorsementKeyThumbprint == host.EndorsementKeyThumbprint)
                || (host.HostKeyThumbprint != null && h.HostKeyThumbprint == host.HostKeyThumbprint), cancellationToken))
        {
            throw new StateConflictException($"A host named '{host.Name}' or with the same key is already registered.");
        }

        db.Hosts.Add(host);
        Audit("hosts.register", $"{host.Name} ({host.Mode})", host.EndorsementKeyThumbprint ?? host.HostKeyThumbprint ?? host.Group);
        await db.SaveChangesAsync(cancellationToken);
        return await ToDtoAsync(host, cancellationToken);
    }

    public async Task<IReadOnlyList<RegisteredHostDto>> ListHostsAsync(CancellationToken cancellationToken)
    {
        var hosts = await db.Hosts.AsNoTracking().OrderBy(h => h.Name).ToListAsync(cancellationToken);
        var result = new List<RegisteredHostDto>(hosts.Count);
        foreach (var host in hosts)
        {
            result.Add(await ToDtoAsync(host, cancellationToken));
        }

        return result;
    }

    public async Task<RegisteredHostDto?> FindHostAsync(Guid id, CancellationToken cancellationToken)
    {
        var host = await db.Hosts.AsNoTracking().SingleOrDefaultAsync(h => h.Id == id, cancellationToken);
        return host is null ? null : await ToDtoAsync(host, cancellationToken);
    }

    /// <summary>Removes a host; its certificates stop releasing keys at once (key release requires a registered host).</summary>
    public async Task<bool> RemoveHostAsync(Guid id, CancellationToken cancellationToken)
    {
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.Id == id, cancellationToken);
        if (host is null)
        {
            return false;
        }

        db.Hosts.Remove(host);
        Audit("hosts.remove", $"{host.Name} ({host.Mode})", null);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<CodeIntegrityPolicyDto> AddCodeIntegrityPolicyAsync(CodeIntegrityPolicyRequest request, CancellationToken cancellationToken)
    {
        Require(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Length <= 128, "name", "A policy name is 1–128 characters.");
        Require(CodeIntegrityPolicies.IsWellFormedHash(request.Hash), "hash", "A code-integrity policy hash is 64 hex characters (SHA-256).");
        var hash = request.Hash.ToUpperInvariant();
        if (await db.CodeIntegrityPolicies.AnyAsync(p => p.Hash == hash, cancellationToken))
        {
            throw new StateConflictException("That code-integrity policy is already allowed.");
        }

        var policy = new CodeIntegrityPolicy { Id = Guid.NewGuid(), Name = request.Name.Trim(), Hash = hash, CreatedAt = time.GetUtcNow() };
        db.CodeIntegrityPolicies.Add(policy);
        Audit("ci-policies.add", policy.Name, policy.Hash);
        await db.SaveChangesAsync(cancellationToken);
        return new CodeIntegrityPolicyDto(policy.Id, policy.Name, policy.Hash, policy.CreatedAt);
    }

    public async Task<IReadOnlyList<CodeIntegrityPolicyDto>> ListCodeIntegrityPoliciesAsync(CancellationToken cancellationToken) =>
        await db.CodeIntegrityPolicies.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new CodeIntegrityPolicyDto(p.Id, p.Name, p.Hash, p.CreatedAt)).ToListAsync(cancellationToken);

    public async Task<bool> RemoveCodeIntegrityPolicyAsync(Guid id, CancellationToken cancellationToken)
    {
        var policy = await db.CodeIntegrityPolicies.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (policy is null)
        {
            return false;
        }

        db.CodeIntegrityPolicies.Remove(policy);
        Audit("ci-policies.remove", policy.Name, policy.Hash);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Creates an allowed host group and returns its credential — the only time it is shown.</summary>
    public async Task<HostGroupCreated> CreateHostGroupAsync(HostGroupRequest request, CancellationToken cancellationToken)
    {
        Require(HostGroupNames.IsValid(request.Name), "name", HostGroupNames.Rule);
        var name = request.Name.Trim();
        if (await db.HostGroups.AnyAsync(g => g.Name == name, cancellationToken))
        {
            throw new StateConflictException($"The host group '{name}' already exists.");
        }

        var credential = HostGroupProof.CreateCredential();
        db.HostGroups.Add(new HostGroup { Name = name, SealedCredential = groups.Seal(name, credential), CreatedAt = time.GetUtcNow() });
        Audit("host-groups.create", name, null);
        await db.SaveChangesAsync(cancellationToken);
        return new HostGroupCreated(name, credential);
    }

    public async Task<IReadOnlyList<string>> ListHostGroupsAsync(CancellationToken cancellationToken) =>
        await db.HostGroups.AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(cancellationToken);

    /// <summary>Disallows a host group: its hosts fail attestation from now on.</summary>
    public async Task<bool> RemoveHostGroupAsync(string name, CancellationToken cancellationToken)
    {
        var group = await db.HostGroups.SingleOrDefaultAsync(g => g.Name == name, cancellationToken);
        if (group is null)
        {
            return false;
        }

        db.HostGroups.Remove(group);
        Audit("host-groups.remove", name, null);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<AttestationRecordDto>> ListAttestationsAsync(Guid? hostId, int take, CancellationToken cancellationToken) =>
        await db.Attestations.AsNoTracking()
            .Where(a => hostId == null || a.HostId == hostId)
            .OrderByDescending(a => a.Id)
            .Take(Math.Clamp(take, 1, 500))
            .Select(a => new AttestationRecordDto(a.Id, a.HostId, a.HostName, a.Mode, a.Status, a.SubStatus, a.Reason, a.CertificateSerial, a.CertificateExpiresAt, a.At))
            .ToListAsync(cancellationToken);

    public async Task RevokeCertificateAsync(Guid serial, string reason, CancellationToken cancellationToken)
    {
        Require(!string.IsNullOrWhiteSpace(reason) && reason.Length <= 512, "reason", "Say why (1–512 characters).");
        if (await db.RevokedCertificates.AnyAsync(r => r.Serial == serial, cancellationToken))
        {
            return;
        }

        db.RevokedCertificates.Add(new RevokedCertificate { Serial = serial, Reason = reason, RevokedAt = time.GetUtcNow() });
        Audit("certificates.revoke", serial.ToString(), reason);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<HgsAuditEntryDto>> ListAuditAsync(int take, CancellationToken cancellationToken) =>
        await db.Audit.AsNoTracking().OrderByDescending(e => e.Id).Take(Math.Clamp(take, 1, 500))
            .Select(e => new HgsAuditEntryDto(e.Id, e.At, e.Actor, e.Action, e.Subject, e.Outcome, e.Detail))
            .ToListAsync(cancellationToken);

    private void Audit(string action, string subject, string? detail) => AdminAudit.Add(db, time, action, subject, detail);

    private static void Require(bool condition, string field, string message) => AdminAudit.Require(condition, field, message);

    private static TpmPublicArea EndorsementKey(byte[]? tpm2bPublic)
    {
        const string Rule = "A TPM-trusted host needs its endorsement key: the TPM2B_PUBLIC of an RSA or ECC key (tpm2_readpublic -o).";
        try
        {
            return tpm2bPublic is { Length: > 0 and <= 2048 } ? TpmPublicArea.Parse(tpm2bPublic) : throw DomainValidationException.For("endorsementKey", Rule);
        }
        catch (TpmFormatException)
        {
            throw DomainValidationException.For("endorsementKey", Rule);
        }
    }

    private async Task<RegisteredHostDto> ToDtoAsync(RegisteredHost host, CancellationToken cancellationToken)
    {
        var latest = await db.Attestations.AsNoTracking().Where(a => a.HostId == host.Id).OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        var key = await db.AttestationKeys.AsNoTracking().Where(k => k.HostId == host.Id).OrderByDescending(k => k.ActivatedAt)
            .Select(k => k.Name).FirstOrDefaultAsync(cancellationToken);
        var measuredAt = await db.Measurements.AsNoTracking().Where(m => m.HostId == host.Id).Select(m => (DateTimeOffset?)m.MeasuredAt)
            .FirstOrDefaultAsync(cancellationToken);
        return new RegisteredHostDto(host.Id, host.Name, host.Mode, host.EndorsementKeyThumbprint ?? host.HostKeyThumbprint, host.Group, host.RegisteredAt,
            latest?.Status, latest?.SubStatus, latest?.Reason, latest?.At, host.EndorsementKeyCertificate is not null, key, measuredAt);
    }
}
