using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Portal.Bench;

/// <summary>
/// The real portal (Portal.Web's Program) on a Kestrel loopback port, on a fresh PostgreSQL database that is
/// dropped on dispose, plus the bench's own <see cref="HelloPath"/> endpoint as the baseline.
/// </summary>
public sealed class BenchPortal : WebApplicationFactory<Program>
{
    public const string HelloPath = "/bench/hello";
    public const string AdminEmail = "bench-admin@portal.bench";
    public const string AdminPassword = "Bench-Admin-Passw0rd-42";

    private readonly string _serverConnectionString;
    // Short: embedded QEMU hosts keep their VMs' unix sockets under it, and a socket path has at most 107 characters.
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-bench-{Guid.NewGuid():N}"[..21]);

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IWebHostBuilder>? _configure;

    /// <param name="serverConnectionString">The PostgreSQL server; the bench database is created on it.</param>
    /// <param name="settings">Extra configuration for the portal, e.g. the job benchmark's fast fabric controller sweep.</param>
    /// <param name="configure">More for the host, last, e.g. the circuit benchmark's browser assets and circuit count.</param>
    public BenchPortal(
        string serverConnectionString, IReadOnlyDictionary<string, string>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        _configure = configure;
        _serverConnectionString = serverConnectionString;
        DatabaseName = $"portal_bench_{Guid.NewGuid():N}";
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = DatabaseName }.ConnectionString;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public string DatabaseName { get; }

    /// <summary>The portal's data folder (embedded hosts' VM folders live under it); deleted on dispose.</summary>
    public string DataFolder => _dataFolder;

    public string ConnectionString { get; }

    /// <summary>Starts Kestrel (the portal migrates the new database on the way) and returns its address.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.Single());
    }

    /// <summary>
    /// Gathers the planner's statistics now, as autovacuum does for a live database. A database filled a moment ago has
    /// none until autovacuum gets to it, and without them PostgreSQL plans the VM list's sub-selects over a job-steps table
    /// it takes for nearly empty as scans of the whole table: 30 requests/s in one run, 400 in the next, depending on
    /// whether autovacuum had come by.
    /// </summary>
    public async Task AnalyzeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync(ct);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await DropDatabaseAsync();
            if (Directory.Exists(_dataFolder))
            {
                Directory.Delete(_dataFolder, recursive: true);
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("Database:ConnectionString", ConnectionString);
        builder.UseSetting("Database:MigrateOnStart", "true");
        builder.UseSetting("Portal:Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Portal:Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Portal:DataFolder", _dataFolder);
        builder.UseSetting("DataProtection:GenerateCertificate", "true");
        // The bench signs its tenants up and takes their tokens from one address, faster than people ever would.
        builder.UseSetting("RateLimits:Credentials:PerAddressPermits", "100000");
        builder.UseSetting("Fabric:SimulatedHosts:Count", "0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Warnings go to stderr with the bench's progress lines; stdout carries only the results.
        builder.UseSetting("Logging:Console:LogToStandardErrorThreshold", "Trace");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter, SqlCapture.RequestTagStartupFilter>();
            services.AddSingleton<IStartupFilter, HelloStartupFilter>();
        });
        _configure?.Invoke(builder);
    }

    private async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Appends the hello endpoint after the portal's whole pipeline (routing, exception handler, status code pages,
    /// authentication, authorization, antiforgery): it answers what no portal endpoint matched, so the baseline
    /// pays for the same server and middleware as an API call and nothing else.
    /// </summary>
    private sealed class HelloStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(HelloPath, hello => hello.Run(http =>
            {
                http.Response.ContentType = "text/plain";
                return http.Response.WriteAsync("Hello World!");
            }));
        };
    }
}
