namespace Portal.Core.Auditing;

/// <summary>
/// An audit entry as the chain covers it: its place, what it records, the hash it links to and its own hash. Also the
/// form in which the portal exports the chain, so anyone can check it with <see cref="AuditChainVerifier"/>.
/// <see cref="Id"/> is the database's key, not part of the hash: the chain's order is <see cref="Sequence"/>.
/// </summary>
public sealed record ChainedAuditEntry(
    long Sequence,
    long Id,
    DateTimeOffset At,
    Guid? ActorId,
    string ActorName,
    Guid? TenantId,
    string Action,
    string Target,
    string? RemoteAddress,
    string PreviousHash,
    string Hash);
