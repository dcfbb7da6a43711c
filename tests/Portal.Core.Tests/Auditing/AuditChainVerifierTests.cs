using Portal.Core.Auditing;

namespace Portal.Core.Tests.Auditing;

public class AuditChainVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    /// <summary>A chain of <paramref name="length"/> entries linked as the store links them; ids are sequence + 1000.</summary>
    internal static List<ChainedAuditEntry> Chain(int length)
    {
        var chain = new List<ChainedAuditEntry>();
        var previous = AuditChain.GenesisHash;
        for (var sequence = 1; sequence <= length; sequence++)
        {
            var entry = Seal(new ChainedAuditEntry(sequence, sequence + 1000, Now.AddSeconds(sequence), null, $"user-{sequence}",
                Guid.Empty, "token.created", $"token {sequence}", "192.0.2.1", previous, ""));
            chain.Add(entry);
            previous = entry.Hash;
        }

        return chain;
    }

    private static ChainedAuditEntry Seal(ChainedAuditEntry entry) => entry with { Hash = AuditChain.ComputeHash(entry) };

    private static AuditChainReport Verify(IEnumerable<ChainedAuditEntry> entries, long? headSequence = null, string? headHash = null, string? recordedHead = null)
    {
        var verifier = new AuditChainVerifier(recordedHead);
        foreach (var entry in entries)
        {
            verifier.Add(entry);
        }

        return verifier.Finish(headSequence, headHash);
    }

    [Fact]
    public void UntouchedChain_IsIntact_WithItsLengthAndHead()
    {
        var chain = Chain(5);

        var report = Verify(chain, 5, chain[^1].Hash);

        Assert.True(report.Intact);
        Assert.Null(report.Break);
        Assert.Equal((5, 5, chain[^1].Hash), (report.Count, report.HeadSequence, report.HeadHash));
    }

    [Fact]
    public void EmptyChain_IsIntact_AtTheGenesisHash()
    {
        var report = Verify([], 0, AuditChain.GenesisHash);

        Assert.True(report.Intact);
        Assert.Equal((0, AuditChain.GenesisHash), (report.Count, report.HeadHash));
    }

    [Fact]
    public void ChangedEntry_IsTheFirstBreak()
    {
        var chain = Chain(6);
        chain[2] = chain[2] with { Target = "token 3 (renamed)" };

        var report = Verify(chain);

        Assert.False(report.Intact);
        Assert.Equal(new AuditChainBreak(AuditChainProblem.Altered, 3, 1003, "entry 3's hash does not match its contents"), report.Break);
        Assert.Equal(2, report.Count);
    }

    [Fact]
    public void ChangedEntryWithARecomputedHash_BreaksTheNextLink()
    {
        var chain = Chain(6);
        chain[2] = Seal(chain[2] with { Target = "token 3 (renamed)" });

        var report = Verify(chain);

        Assert.Equal(new AuditChainBreak(AuditChainProblem.Unlinked, 4, 1004, "entry 4 does not link to entry 3"), report.Break);
    }

    [Fact]
    public void RemovedEntry_IsAMissingSequence()
    {
        var chain = Chain(6);
        chain.RemoveAt(3);

        var report = Verify(chain);

        Assert.Equal(AuditChainBreak.Missing(4, "sequence 4 is missing"), report.Break);
    }

    [Fact]
    public void RemovedEntryWithTheRestRenumbered_DoesNotLink()
    {
        var chain = Chain(6);
        chain.RemoveAt(3);
        var renumbered = chain.Select((e, i) => e with { Sequence = i + 1 }).ToList();

        var report = Verify(renumbered);

        Assert.Equal(AuditChainProblem.Unlinked, report.Break!.Problem);
        Assert.Equal(4, report.Break.Sequence);
    }

    [Fact]
    public void SwappedEntries_BreakAtTheFirstOfThem()
    {
        var chain = Chain(6);
        (chain[2], chain[3]) = (chain[3] with { Sequence = 3 }, chain[2] with { Sequence = 4 });

        var report = Verify(chain);

        Assert.Equal(new AuditChainBreak(AuditChainProblem.Unlinked, 3, 1004, "entry 3 does not link to entry 2"), report.Break);
    }

    [Fact]
    public void InsertedEntry_LinkedBehindItsPredecessor_BreaksTheLinkAfterIt()
    {
        var chain = Chain(5);
        var forged = Seal(chain[1] with { Sequence = 3, Id = 9999, Target = "forged", PreviousHash = chain[1].Hash });
        var tampered = chain.Take(2).Append(forged).Concat(chain.Skip(2).Select(e => e with { Sequence = e.Sequence + 1 })).ToList();

        var report = Verify(tampered);

        Assert.Equal(AuditChainProblem.Unlinked, report.Break!.Problem);
        Assert.Equal(4, report.Break.Sequence);
    }

    [Fact]
    public void RepeatedEntry_IsOutOfOrder()
    {
        var chain = Chain(4);
        chain.Insert(3, chain[2]);

        var report = Verify(chain);

        Assert.Equal(new AuditChainBreak(AuditChainProblem.OutOfOrder, 3, 1003, "entry 3 appears again after entry 3"), report.Break);
    }

    [Fact]
    public void FirstEntry_MustLinkToTheGenesisHash()
    {
        var chain = Chain(3);
        chain[0] = Seal(chain[0] with { PreviousHash = new string('1', 64) });

        var report = Verify(chain);

        Assert.Equal("entry 1 does not link to the start of the chain", report.Break!.Message);
    }

    [Fact]
    public void CutTail_IsMissingBehindTheLastEntry_WhenTheHeadIsKnown()
    {
        var chain = Chain(6);

        var report = Verify(chain.Take(4), 6, chain[^1].Hash);

        Assert.Equal(AuditChainBreak.Missing(5, "sequence 5 is missing: the chain's head is at entry 6"), report.Break);
    }

    [Fact]
    public void HeadBehindTheLastEntry_IsAHeadMismatch()
    {
        var chain = Chain(5);

        var report = Verify(chain, 3, chain[2].Hash);

        Assert.Equal(new AuditChainBreak(AuditChainProblem.HeadMismatch, 4, null, "entry 4 lies beyond the chain's head"), report.Break);
    }

    [Fact]
    public void HeadThatDoesNotMatchTheLastEntry_IsAHeadMismatch()
    {
        var chain = Chain(3);

        var report = Verify(chain, 3, chain[1].Hash);

        Assert.Equal(new AuditChainBreak(AuditChainProblem.HeadMismatch, 3, 1003, "the chain's head does not match entry 3"), report.Break);
    }

    [Fact]
    public void RecordedHead_StillInTheChain_IsIntact_AndAGoneOneIsReported()
    {
        var chain = Chain(5);
        var rewritten = Chain(5).Select(e => e).ToList();
        rewritten[3] = Seal(rewritten[3] with { Target = "rewritten" });
        rewritten[4] = Seal(rewritten[4] with { PreviousHash = rewritten[3].Hash });

        var kept = Verify(chain, recordedHead: chain[2].Hash);
        var keptUppercase = Verify(chain, recordedHead: chain[2].Hash.ToUpperInvariant());
        var gone = Verify(rewritten, recordedHead: chain[3].Hash);

        Assert.True(kept.Intact);
        Assert.True(keptUppercase.Intact);
        Assert.False(gone.Intact);
        Assert.Equal(AuditChainProblem.RecordedHeadMissing, gone.Break!.Problem);
        Assert.Contains(chain[3].Hash, gone.Break.Message);
    }

    [Fact]
    public void AfterABreak_LaterEntriesAreNotLookedAt()
    {
        var chain = Chain(5);
        chain[1] = chain[1] with { Action = "changed" };
        var verifier = new AuditChainVerifier();

        var accepted = chain.Select(verifier.Add).ToList();

        Assert.Equal([true, false, false, false, false], accepted);
        Assert.Equal(2, verifier.Break!.Sequence);
    }
}
