namespace Portal.Core.Attestation.Protocol;

/// <summary>
/// Registers a host with HGS (admin API <c>POST /hgs/v1/admin/hosts</c>) in one mode: TPM-trusted with its endorsement
/// key (TPM2B_PUBLIC) and, where the TPM has one, its EK certificate (DER); host key with its public key (DER SPKI); or
/// admin-trusted with its host group.
/// </summary>
public sealed record RegisterHostRequest(
    string Name, AttestationMode Mode, byte[]? EndorsementKey = null, byte[]? HostKey = null, string? Group = null, byte[]? EndorsementKeyCertificate = null);

/// <summary>
/// A host as HGS knows it, with its latest attestation verdict (null before its first attestation), whether it has an
/// EK certificate and an activated attestation key, and when it last proved its measurements.
/// </summary>
public sealed record RegisteredHostDto(
    Guid Id, string Name, AttestationMode Mode, string? KeyThumbprint, string? Group, DateTimeOffset RegisteredAt,
    AttestationStatus? LatestStatus, AttestationSubStatus? LatestSubStatus, string? LatestReason, DateTimeOffset? LatestAt,
    bool HasEndorsementKeyCertificate = false, string? AttestationKeyName = null, DateTimeOffset? MeasuredAt = null);

/// <summary>Allows the values of the firmware PCRs 0–7 (SHA-256 bank, 32 bytes each) as a TPM baseline.</summary>
public sealed record TpmBaselineRequest(string Name, IReadOnlyList<PcrValue> Pcrs);

/// <summary>An allowed TPM baseline; <paramref name="PcrDigest"/> identifies its values; <paramref name="CapturedFrom"/> names the host it was captured from.</summary>
public sealed record TpmBaselineDto(Guid Id, string Name, IReadOnlyList<PcrValue> Pcrs, string PcrDigest, string? CapturedFrom, DateTimeOffset CreatedAt);

/// <summary>
/// A host's latest proven measurements offered as a baseline, beside the allowed baseline nearest to them: which PCRs
/// differ, and the log's events for those PCRs, for the HGS admin to review before accepting.
/// </summary>
public sealed record BaselineCaptureDto(
    Guid HostId, string HostName, DateTimeOffset MeasuredAt, IReadOnlyList<PcrValue> Pcrs, string PcrDigest, bool AlreadyAllowed,
    string? NearestBaseline, IReadOnlyList<PcrDifference> Differences);

/// <summary>One PCR that differs from the nearest baseline (<paramref name="Allowed"/> null when there is none) and what the log measured into it.</summary>
public sealed record PcrDifference(int Index, byte[]? Allowed, byte[] Measured, IReadOnlyList<string> Events);

/// <summary>
/// Accepts a host's captured measurements as a new baseline; <paramref name="PcrDigest"/> is the digest the admin
/// reviewed, so a host whose measurements changed since is refused (409) rather than trusted unseen.
/// </summary>
public sealed record AcceptBaselineRequest(Guid HostId, string Name, string PcrDigest);

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
