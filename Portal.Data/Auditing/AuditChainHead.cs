using Portal.Core.Auditing;

namespace Portal.Data.Auditing;

/// <summary>
/// The one row that says where the audit chain ends. An append locks it until its transaction ends, so appends from any
/// number of portal processes take their places one after another: the chain never forks and never skips.
/// </summary>
internal sealed class AuditChainHead
{
    public const int RowId = 1;

    private AuditChainHead()
    {
    }

    public int Id { get; private set; }

    /// <summary>The last entry's place; 0 for an empty chain.</summary>
    public long Sequence { get; private set; }

    /// <summary>The last entry's hash; <see cref="AuditChain.GenesisHash"/> for an empty chain.</summary>
    public string Hash { get; private set; } = AuditChain.GenesisHash;

    /// <summary>Links <paramref name="entry"/> after the current end and makes it the new end.</summary>
    public void Append(AuditEntry entry)
    {
        entry.Link(Sequence + 1, Hash);
        Sequence = entry.Sequence!.Value;
        Hash = entry.Hash!;
    }
}
