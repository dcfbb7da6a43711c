using System.Data.Common;
using Npgsql;

namespace Portal.Data.Postgres;

/// <summary>The portal's defaults for a PostgreSQL connection string; whatever the string names itself wins.</summary>
public static class PostgresConnectionString
{
    /// <summary>Statements each pooled connection keeps prepared: the portal's queries are few shapes run very often.</summary>
    public const int MaxAutoPrepare = 256;

    /// <summary>
    /// Turns on Npgsql's automatic preparation unless the string says otherwise: a statement sent twice on a connection is
    /// prepared there, and from then on PostgreSQL neither parses nor plans it again. Without it every query pays both on
    /// every request; the VM list's parse alone took tens of milliseconds on a busy server.
    /// </summary>
    public static string WithPortalDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <summary>Whether the string itself names the setting, in any of its spellings ("Max Auto Prepare", "MaxAutoPrepare").</summary>
    private static bool Names(string connectionString, string keyword) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", ""), keyword.Replace(" ", ""), StringComparison.OrdinalIgnoreCase));
}
