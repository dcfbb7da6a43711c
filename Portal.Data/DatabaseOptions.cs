using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Portal.Data;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>ADO.NET connection string. Empty with SQLite means a file in the portal's data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Apply pending migrations at start. Unset means: yes for the embedded SQLite database, no for PostgreSQL,
    /// where the one-shot <c>--migrate</c> run does it.
    /// </summary>
    public bool? MigrateOnStart { get; set; }

    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>The settings as configured, for registering services before the container is built.</summary>
    public static DatabaseOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();

    public bool ShouldMigrateOnStart => MigrateOnStart ?? Provider == DatabaseProvider.Sqlite;
}
