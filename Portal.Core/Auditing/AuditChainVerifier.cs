namespace Portal.Core.Auditing;

/// <summary>
/// Walks an audit chain in order, one entry at a time (so a long chain streams through it), and stops at the first broken
/// link: a missing or repeated place, an entry that does not link to the one before it, or one whose hash does not match
/// its contents. The portal and the command-line tool both check the chain with it.
/// </summary>
public sealed class AuditChainVerifier(string? recordedHead = null)
{
    private ChainedAuditEntry? _last;
    private bool _recordedHeadSeen;

    /// <summary>Entries checked and found linked, up to the first break.</summary>
    public long Count { get; private set; }

    public AuditChainBreak? Break { get; private set; }

    /// <summary>Checks the next entry in chain order; false once the chain is broken (later entries are not looked at).</summary>
    public bool Add(ChainedAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Break is not null)
        {
            return false;
        }

        var expected = (_last?.Sequence ?? 0) + 1;
        Break = entry.Sequence > expected ? AuditChainBreak.Missing(expected, $"sequence {expected} is missing")
            : entry.Sequence < expected ? new AuditChainBreak(AuditChainProblem.OutOfOrder, entry.Sequence, entry.Id,
                $"entry {entry.Sequence} appears again after entry {expected - 1}")
            : !string.Equals(entry.PreviousHash, _last?.Hash ?? AuditChain.GenesisHash, StringComparison.Ordinal)
                ? new AuditChainBreak(AuditChainProblem.Unlinked, entry.Sequence, entry.Id, _last is null
                    ? $"entry {entry.Sequence} does not link to the start of the chain"
                    : $"entry {entry.Sequence} does not link to entry {_last.Sequence}")
            : !string.Equals(AuditChain.ComputeHash(entry), entry.Hash, StringComparison.Ordinal)
                ? new AuditChainBreak(AuditChainProblem.Altered, entry.Sequence, entry.Id,
                    $"entry {entry.Sequence}'s hash does not match its contents")
            : null;
        if (Break is not null)
        {
            return false;
        }

        _last = entry;
        _recordedHeadSeen |= string.Equals(entry.Hash, recordedHead, StringComparison.OrdinalIgnoreCase);
        Count++;
        return true;
    }

    /// <summary>
    /// The verdict once every entry was added. <paramref name="headSequence"/> and <paramref name="headHash"/> are where
    /// the store says the chain ends, when known: entries cut off its end show as missing there.
    /// </summary>
    public AuditChainReport Finish(long? headSequence = null, string? headHash = null)
    {
        var last = _last?.Sequence ?? 0;
        Break ??= headSequence > last
                ? AuditChainBreak.Missing(last + 1, $"sequence {last + 1} is missing: the chain's head is at entry {headSequence}")
            : headSequence < last
                ? new AuditChainBreak(AuditChainProblem.HeadMismatch, headSequence + 1, null, $"entry {headSequence + 1} lies beyond the chain's head")
            : headSequence is { } sequence && headHash is not null && sequence == last
                && !string.Equals(headHash, _last?.Hash ?? AuditChain.GenesisHash, StringComparison.Ordinal)
                ? new AuditChainBreak(AuditChainProblem.HeadMismatch, last, _last?.Id,
                    last == 0 ? "the chain's head does not match its start" : $"the chain's head does not match entry {last}")
            : recordedHead is not null && !_recordedHeadSeen
                ? new AuditChainBreak(AuditChainProblem.RecordedHeadMissing, null, null,
                    $"no entry has the head hash recorded earlier ({recordedHead}): the chain was rewritten or cut")
            : null;
        return new AuditChainReport(Break is null, Count, last, _last?.Hash ?? AuditChain.GenesisHash, Break);
    }
}
