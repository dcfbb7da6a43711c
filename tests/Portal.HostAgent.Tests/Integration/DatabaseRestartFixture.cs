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
