namespace Portal.Core.Auditing;

/// <summary>
/// One state-changing act by anyone. Append-only: nothing changes an entry once stored. Each entry is chained to the one
/// before it by hash (<see cref="AuditChain"/>), so a changed, removed or reordered entry shows.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public long Id { get; private set; }

    /// <summary>When, to the millisecond in UTC: the precision every database keeps exactly, so the hash still matches.</summary>
    public DateTimeOffset At { get; private set; }

    public Guid? ActorId { get; private set; }

    public string ActorName { get; private set; } = "";

    public Guid? TenantId { get; private set; }

    /// <summary>Dotted verb, e.g. <c>tenant.signed-up</c>, <c>api-token.revoked</c>.</summary>
    public string Action { get; private set; } = "";

    public string Target { get; private set; } = "";

    public string? RemoteAddress { get; private set; }

    /// <summary>The entry's place in the chain, from 1; null only until the store appends it.</summary>
    public long? Sequence { get; private set; }

    /// <summary>The hash of the entry before it (<see cref="AuditChain.GenesisHash"/> for the first).</summary>
    public string? PreviousHash { get; private set; }

    /// <summary>SHA-256 over the entry's place, <see cref="PreviousHash"/> and everything it records, in lowercase hex.</summary>
    public string? Hash { get; private set; }

    public static AuditEntry Record(
        AuditActor actor, string action, string target, Guid? tenantId, DateTimeOffset now) => new()
    {
        At = AuditChain.Timestamp(now),
        ActorId = actor.UserId,
        ActorName = actor.Name,
        RemoteAddress = actor.RemoteAddress,
        TenantId = tenantId,
        Action = action,
        Target = target,
    };

    /// <summary>
    /// Places the entry at <paramref name="sequence"/>, after the entry whose hash is <paramref name="previousHash"/>.
    /// The store calls this while it holds the chain's head, as it appends the entry (again if that append was rolled back).
    /// </summary>
    public void Link(long sequence, string previousHash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentNullException.ThrowIfNull(previousHash);
        Sequence = sequence;
        PreviousHash = previousHash;
        Hash = AuditChain.ComputeHash(ToChained());
    }

    /// <summary>What the entry records, encoded as its hash covers it after the link (<see cref="AuditChain.EncodeRecord"/>).</summary>
    public byte[] EncodeRecord() => AuditChain.EncodeRecord(At, ActorId, ActorName, TenantId, Action, Target, RemoteAddress);

    /// <summary>The entry as the chain covers it; only for a linked entry.</summary>
    public ChainedAuditEntry ToChained() =>
        new(Sequence ?? throw new InvalidOperationException($"Audit entry {Id} is not linked into the chain."),
            Id, At, ActorId, ActorName, TenantId, Action, Target, RemoteAddress, PreviousHash!, Hash ?? "");
}
