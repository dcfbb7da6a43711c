using Microsoft.Extensions.Time.Testing;
using Portal.Core.ApiTokens;
using Portal.Core.Fabric;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Infrastructure.Credentials;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Credentials;

public sealed class KnownCredentialsTests
{
    private readonly TestClusterBus _bus = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-07T10:00:00Z"));
    private readonly KnownCredentials _cache;

    public KnownCredentialsTests() => _cache = new KnownCredentials(_bus, _time);

    [Fact]
    public void StoredToken_IsFound_UntilItsUserIsForgotten_OtherUsersStay()
    {
        var (alice, aliceHash) = Holder();
        var (bob, bobHash) = Holder();
        _cache.Store(aliceHash, alice, _cache.Generation);
        _cache.Store(bobHash, bob, _cache.Generation);
        Assert.Same(alice, _cache.Find<TokenHolder>(aliceHash));

        _cache.Forget(alice.Token.UserId);

        Assert.Null(_cache.Find<TokenHolder>(aliceHash));
        Assert.Same(bob, _cache.Find<TokenHolder>(bobHash));
    }

    [Fact]
    public void HostCredential_IsFoundAsAHost_UntilTheHostIsForgotten_TokensStay()
    {
        var (token, tokenHash) = Holder();
        var host = new HostHolder(Guid.NewGuid(), "host-a");
        var hostHash = FabricSecret.Hash(FabricSecret.Generate(FabricSecret.HostCredentialMarker));
        _cache.Store(tokenHash, token, _cache.Generation);
        _cache.Store(hostHash, host, _cache.Generation);
        Assert.Same(host, _cache.Find<HostHolder>(hostHash));
        Assert.Null(_cache.Find<TokenHolder>(hostHash));

        _bus.HearFromOther(KnownCredentials.Topic, host.Id.ToString("N"));

        Assert.Null(_cache.Find<HostHolder>(hostHash));
        Assert.Same(token, _cache.Find<TokenHolder>(tokenHash));
    }

    [Fact]
    public void ReadThatRacedAForget_IsNotStored()
    {
        var (holder, hash) = Holder();
        var generation = _cache.Generation;

        // Another request revokes while this one reads the database.
        _cache.Forget(Guid.NewGuid());
        _cache.Store(hash, holder, generation);

        Assert.Null(_cache.Find<TokenHolder>(hash));
    }

    [Fact]
    public void CredentialsMessageFromAnotherProcess_ForgetsThatUsersTokens()
    {
        var (holder, hash) = Holder();
        _cache.Store(hash, holder, _cache.Generation);

        _bus.HearFromOther(KnownCredentials.Topic, holder.Token.UserId.ToString("N"));

        Assert.Null(_cache.Find<TokenHolder>(hash));
    }

    [Fact]
    public void UnreadableCredentialsMessage_ForgetsEverything()
    {
        var (holder, hash) = Holder();
        _cache.Store(hash, holder, _cache.Generation);

        _bus.HearFromOther(KnownCredentials.Topic, "not a user id");

        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void WhileNotListening_NothingIsFoundOrStored_AndItStartsEmptyAfter()
    {
        var (holder, hash) = Holder();
        _cache.Store(hash, holder, _cache.Generation);

        _bus.LoseConnection();
        Assert.Null(_cache.Find<TokenHolder>(hash));
        _cache.Store(hash, holder, _cache.Generation);
        Assert.Equal(0, _cache.Count);

        _bus.Reconnect();
        Assert.Null(_cache.Find<TokenHolder>(hash));
    }

    [Fact]
    public void Entry_IsKeptNoLongerThanMaxAge()
    {
        var (holder, hash) = Holder();
        _cache.Store(hash, holder, _cache.Generation);

        _time.Advance(KnownCredentials.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Same(holder, _cache.Find<TokenHolder>(hash));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_cache.Find<TokenHolder>(hash));
    }

    private (TokenHolder Holder, byte[] Hash) Holder()
    {
        var (token, secret) = ApiToken.IssuePersonal(Guid.NewGuid(), "t", TimeSpan.FromDays(1), _time.GetUtcNow());
        return (new TokenHolder(token, "user", "User", Guid.NewGuid(), ["Tenant"]), ApiTokenSecret.Hash(secret));
    }
}
