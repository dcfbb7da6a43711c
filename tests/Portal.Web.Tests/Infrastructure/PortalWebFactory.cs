using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Testing;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// The real portal on a fresh PostgreSQL database, migrated at start, with a known bootstrap admin.
/// One per test class (<see cref="IClassFixture{TFixture}"/>); the database is dropped afterwards.
/// </summary>
public sealed class PortalWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@portal.test";
    public const string AdminPassword = "Admin-Passw0rd-For-Tests";

    public PortalWebFactory()
        : this(PostgresTestDatabase.New("web"))
    {
    }

    private PortalWebFactory(PostgresTestDatabase database)
    {
        Database = database;
    }

    public PostgresTestDatabase Database { get; }

    /// <summary>This portal's template disk library (shared with <see cref="SecondInstance"/>), removed afterwards.</summary>
    public string LibraryFolder => LibraryFolderOf(Database);

    /// <summary>Settings applied on top of the test defaults (set before the server starts), e.g. short job leases.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Every log line this portal wrote, at every level.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A second portal process on the same database, as when several portals share one PostgreSQL.</summary>
    public WebApplicationFactory<Program> SecondInstance() => new SharedDatabaseFactory(Database);

    public async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await query(db);
    }

    public HttpClient CreateBrowserlessClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public Task InitializeAsync()
    {
        // Building the server runs the migrations and creates the bootstrap admin.
        _ = Server;
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(LibraryFolder))
        {
            Directory.Delete(LibraryFolder, recursive: true);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Configure(builder, Database);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        TestClientAddress.AddTo(builder);
        builder.ConfigureLogging(logging => logging
            .AddProvider(Logs)
            .AddFilter<CapturedLogs>(null, LogLevel.Trace));
    }

    internal static void Configure(IWebHostBuilder builder, PostgresTestDatabase database)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("Database:ConnectionString", database.ConnectionString);
        builder.UseSetting("Database:MigrateOnStart", "true");
        builder.UseSetting("Portal:Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Portal:Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Fabric:GuardianMetadataFile", TestFabric.MetadataFile);
        builder.UseSetting("Library:Folder", LibraryFolderOf(database));
        builder.UseSetting("DataProtection:CertificateFile", TestKeyRing.CertificateFile);

        // Every test signs in from the same address; tests of the limits set their own.
        builder.UseSetting("RateLimits:Credentials:PerAddressPermits", "100000");
        builder.UseSetting("RateLimits:Credentials:PerAccountPermits", "100000");
    }

    private static string LibraryFolderOf(PostgresTestDatabase database) =>
        Path.Combine(Path.GetTempPath(), "portal-test-library", database.Name);

    private sealed class SharedDatabaseFactory(PostgresTestDatabase database) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => Configure(builder, database);
    }
}
