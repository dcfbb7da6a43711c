using Portal.Core.Fabric;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>The fabric on a PostgreSQL server of its own, which a test may restart without touching anyone else's.</summary>
public sealed class DatabaseRestartFixture : FabricFixture
{
    public DatabaseRestartFixture()
        : this(PrivatePostgres.Start())
    {
    }

    private DatabaseRestartFixture(PrivatePostgres server)
        : base(server.ConnectionString) => Server = server;

    public PrivatePostgres Server { get; }

    /// <summary>
    /// Room for every VM the test's load can have accepted (the plan allows 100). How many that is depends on how fast
    /// creates run before and after the restart; a full fabric would leave the last one unplaced.
    /// </summary>
    protected override HostResources HostCapacity => new(200, 800, 20_000);

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Server.DisposeAsync();
        }
    }
}
