using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Portal.Data.Cluster;

public static class ClusterSetup
{
    /// <summary>
    /// The bus and locks between portal processes: over PostgreSQL when that is the database (several processes may
    /// share it), in-process for SQLite (one process owns the file).
    /// </summary>
    public static IHostApplicationBuilder AddPortalCluster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClusterOptions>()
            .BindConfiguration(ClusterOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        var database = DatabaseOptions.From(builder.Configuration);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            builder.Services.AddSingleton(_ => new ClusterDatabase(database.ConnectionString!));
            builder.Services.AddSingleton<PostgresClusterBus>();
            builder.Services.AddSingleton<IClusterBus>(sp => sp.GetRequiredService<PostgresClusterBus>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresClusterBus>());
            builder.Services.AddSingleton<IClusterLocks, PostgresClusterLocks>();
        }
        else
        {
            builder.Services.AddSingleton<IClusterBus, LocalClusterBus>();
            builder.Services.AddSingleton<IClusterLocks, LocalClusterLocks>();
        }

        return builder;
    }
}
