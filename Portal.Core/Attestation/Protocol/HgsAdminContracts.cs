namespace Portal.Core.Attestation.Protocol;

/// <summary>
/// Registers a host with HGS (admin API <c>POST /hgs/v1/admin/hosts</c>) in one mode: TPM-trusted with its endorsement
/// key (DER SPKI), host key with its public key (DER SPKI), or admin-trusted with its host group.
/// </summary>
public sealed record RegisterHostRequest(string Name, AttestationMode Mode, byte[]? EndorsementKey = null, byte[]? HostKey = null, string? Group = null);

/// <summary>A host as HGS knows it, with its latest attestation verdict (null before its first attestation).</summary>
public sealed record RegisteredHostDto(
    Guid Id, string Name, AttestationMode Mode, string? KeyThumbprint, string? Group, DateTimeOffset RegisteredAt,
    AttestationStatus? LatestStatus, AttestationSubStatus? LatestSubStatus, string? LatestReason, DateTimeOffset? LatestAt);

/// <summary>Allows a PCR composite digest (64 hex characters) as a TPM baseline.</summary>
public sealed record TpmBaselineRequest(string Name, string PcrDigest);

public sealed record TpmBaselineDto(Guid Id, string Name, string PcrDigest, DateTimeOffset CreatedAt);

/// <summary>Allows a code-integrity policy by its SHA-256 (64 hex characters).</summary>
public sealed record CodeIntegrityPolicyRequest(string Name, string Hash);

public sealed record CodeIntegrityPolicyDto(Guid Id, string Name, string Hash, DateTimeOffset CreatedAt);

/// <summary>Creates an allowed host group (admin-trusted mode).</summary>
public sealed record HostGroupRequest(string Name);

/// <summary>The new group's shared credential, shown exactly once; HGS keeps it sealed under its master key.</summary>
public sealed record HostGroupCreated(string Name, byte[] Credential);

/// <summary>One attestation in HGS's history.</summary>
public sealed record AttestationRecordDto(
    long Id, Guid? HostId, string HostName, AttestationMode Mode, AttestationStatus Status, AttestationSubStatus SubStatus,
    string Reason, Guid? CertificateSerial, DateTimeOffset? CertificateExpiresAt, DateTimeOffset At);

/// <summary>Revokes a health certificate by serial.</summary>
public sealed record RevokeCertificateRequest(string Reason);

/// <summary>One entry of HGS's audit log.</summary>
public sealed record HgsAuditEntryDto(long Id, DateTimeOffset At, string Actor, string Action, string Subject, string Outcome, string? Detail);
