using System.Text;
using Portal.Core.Auditing;

namespace Portal.Core.Tests.Auditing;

public class AuditChainTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 4, 30, 15, 123, TimeSpan.Zero);

    private static readonly ChainedAuditEntry Sample = new(
        42, 1042, Now, Guid.Parse("6f1c1a52-7d0e-4b3a-9a55-0b7f3c1d2e4f"), "admin@portal.test",
        Guid.Parse("0d9e8f7a-6b5c-4d3e-8f21-a0b1c2d3e4f5"), "vm.created", "vm:1 (web-1)", "203.0.113.7",
        new string('a', 64), "");

    [Fact]
    public void Hash_OfAKnownEntry_IsPinned()
    {
        // The encoding is a contract between portals and command-line tools of every version: it must not drift. (The
        // value was checked against an independent implementation of the encoding described on AuditChain.)
        Assert.Equal("4b6e3b9404a70eb564cd7d36c71e7a0ef51c0070947772e8bbb7e60c4100f6c1", AuditChain.ComputeHash(Sample));
    }

    [Fact]
    public void Hash_IgnoresTheEntrysOwnHashAndItsDatabaseId()
    {
        Assert.Equal(AuditChain.ComputeHash(Sample), AuditChain.ComputeHash(Sample with { Hash = "anything", Id = 7 }));
    }

    public static TheoryData<string, ChainedAuditEntry> ChangedFields => new()
    {
        { "sequence", Sample with { Sequence = 43 } },
        { "previous hash", Sample with { PreviousHash = new string('b', 64) } },
        { "time, by a microsecond", Sample with { At = Now.AddTicks(TimeSpan.TicksPerMicrosecond) } },
        { "actor id", Sample with { ActorId = Guid.Parse("6f1c1a52-7d0e-4b3a-9a55-0b7f3c1d2e40") } },
        { "actor id, removed", Sample with { ActorId = null } },
        { "actor name", Sample with { ActorName = "admin@portal.tesT" } },
        { "tenant", Sample with { TenantId = Guid.Parse("0d9e8f7a-6b5c-4d3e-8f21-a0b1c2d3e4f6") } },
        { "tenant, removed", Sample with { TenantId = null } },
        { "action", Sample with { Action = "vm.deleted" } },
        { "target", Sample with { Target = "vm:1 (web-2)" } },
        { "remote address", Sample with { RemoteAddress = "203.0.113.8" } },
        { "remote address, removed", Sample with { RemoteAddress = null } },
        { "remote address, empty", Sample with { RemoteAddress = "" } },
    };

    [Theory]
    [MemberData(nameof(ChangedFields))]
    public void ChangingAnyOneField_ChangesTheHash(string field, ChainedAuditEntry changed)
    {
        Assert.True(AuditChain.ComputeHash(changed) != AuditChain.ComputeHash(Sample), $"the hash does not cover the {field}");
    }

    [Fact]
    public void Encoding_KeepsFieldBoundaries()
    {
        var split = Sample with { ActorName = "ab", Action = "c" };
        var moved = Sample with { ActorName = "a", Action = "bc" };
        var swapped = Sample with { ActorId = Sample.TenantId, TenantId = Sample.ActorId };

        Assert.NotEqual(AuditChain.ComputeHash(split), AuditChain.ComputeHash(moved));
        Assert.NotEqual(AuditChain.ComputeHash(Sample), AuditChain.ComputeHash(swapped));
        Assert.NotEqual(AuditChain.ComputeHash(Sample with { RemoteAddress = null }), AuditChain.ComputeHash(Sample with { RemoteAddress = "" }));
    }

    [Fact]
    public void Encoding_StartsWithItsLabel_AndWritesTextAsUtf8()
    {
        var bytes = AuditChain.Encode(Sample with { Target = "ünïcode" });

        Assert.Equal("tenantportal-audit-v1"u8.ToArray(), bytes.AsSpan(4, 21).ToArray());
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("ünïcode")) > 0);
    }

    [Fact]
    public void Record_KeepsTheTimeToTheMillisecondInUtc()
    {
        var local = new DateTimeOffset(2026, 12, 7, 6, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);

        var entry = AuditEntry.Record(AuditActor.System, "x.y", "t", null, local);

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 4, 30, 15, 123, TimeSpan.Zero), entry.At);
        Assert.Equal(TimeSpan.Zero, entry.At.Offset);
    }

    [Fact]
    public void Link_GivesTheEntryItsPlace_AndAHashOverIt()
    {
        var entry = AuditEntry.Record(new AuditActor(Guid.NewGuid(), "someone", "192.0.2.1"), "plan.published", "plan:1", Guid.NewGuid(), Now);

        entry.Link(1, AuditChain.GenesisHash);

        Assert.Equal(1, entry.Sequence);
        Assert.Equal(AuditChain.GenesisHash, entry.PreviousHash);
        Assert.Equal(AuditChain.HashLength, entry.Hash!.Length);
        Assert.Equal(AuditChain.ComputeHash(entry.ToChained()), entry.Hash);
        Assert.Matches("^[0-9a-f]{64}$", entry.Hash);
    }

    [Fact]
    public void Unlinked_Entry_HasNoChainedForm()
    {
        var entry = AuditEntry.Record(AuditActor.System, "x.y", "t", null, Now);

        Assert.Throws<InvalidOperationException>(() => entry.ToChained());
        Assert.Throws<ArgumentOutOfRangeException>(() => entry.Link(0, AuditChain.GenesisHash));
    }
}
