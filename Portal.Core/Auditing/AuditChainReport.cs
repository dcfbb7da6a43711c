using System.Text.Json.Serialization;

namespace Portal.Core.Auditing;

/// <summary>
/// What walking the audit chain found: intact with its length and the hash of its last entry (its head), or the first
/// broken link. <see cref="HeadSequence"/> and <see cref="HeadHash"/> are those of the last entry checked.
/// </summary>
public sealed record AuditChainReport(bool Intact, long Count, long HeadSequence, string HeadHash, AuditChainBreak? Break);

/// <summary>
/// The first broken link: what is wrong, in words, and where. <see cref="Sequence"/> is the place in the chain (null when
/// the break has none, e.g. a recorded head that is gone); <see cref="EntryId"/> the entry's database id, when it exists.
/// </summary>
public sealed record AuditChainBreak(AuditChainProblem Problem, long? Sequence, long? EntryId, string Message)
{
    public static AuditChainBreak Missing(long sequence, string message) => new(AuditChainProblem.Missing, sequence, null, message);
}

[JsonConverter(typeof(JsonStringEnumConverter<AuditChainProblem>))]
public enum AuditChainProblem
{
    /// <summary>A place in the chain has no entry: an entry was removed.</summary>
    Missing,

    /// <summary>A place appears again: entries were reordered or duplicated.</summary>
    OutOfOrder,

    /// <summary>An entry does not carry the hash of the entry before it: one was inserted, removed and covered, or moved.</summary>
    Unlinked,

    /// <summary>An entry's hash does not match what it records: it was changed.</summary>
    Altered,

    /// <summary>The chain's head (kept apart from the entries) does not match the last entry.</summary>
    HeadMismatch,

    /// <summary>An entry was stored outside the chain (it has no place in it).</summary>
    Unchained,

    /// <summary>A head recorded earlier is no longer in the chain: its history was rewritten.</summary>
    RecordedHeadMissing,
}
