using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Portal.Data.Concurrency;
using Portal.Data.Postgres;
using Portal.Data.Sqlite;

namespace Portal.Data;

public static class PortalDataExtensions
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{PortalDbContext}"/> (for components and services) and a scoped
    /// <see cref="PortalDbContext"/> (for Identity and Data Protection) on the configured provider.
    /// </summary>
    public static IHostApplicationBuilder AddPortalData(this IHostApplicationBuilder builder, string dataFolder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is Postgres.")
            .ValidateOnStart();

        var options = DatabaseOptions.From(builder.Configuration);
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                builder.Services.AddPortalContext<PostgresPortalDbContext>(o =>
                    o.UseNpgsql(PostgresConnectionString.WithPortalDefaults(options.ConnectionString!), npgsql => npgsql.CommandTimeout(options.CommandTimeoutSeconds)));
                break;
            case DatabaseProvider.Sqlite:
                var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? SqliteDefaults.ConnectionString(dataFolder)
                    : options.ConnectionString;
                SqliteDefaults.EnsurePrivateFile(connectionString!);
                builder.Services.AddPortalContext<SqlitePortalDbContext>(o =>
                    o.UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(options.CommandTimeoutSeconds)));
                break;
        }

        builder.Services.AddSingleton<DatabaseMigrator>();
        return builder;
    }

    /// <remarks>
    /// Every <see cref="IInterceptor"/> registered as a service takes part in every context's saves. Contexts come from
    /// a pool: every agent call and page action makes one, and a new one costs more than a short query.
    /// </remarks>
    private static void AddPortalContext<TContext>(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TContext : PortalDbContext
    {
        services.AddPooledDbContextFactory<TContext>((sp, o) =>
        {
            configure(o);
            o.AddInterceptors([.. sp.GetServices<IInterceptor>(), VersionStamp.Instance]);
        });
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(sp =>
            new PortalDbContextFactory<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()));
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<TContext>());
    }

    private sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner)
        : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
