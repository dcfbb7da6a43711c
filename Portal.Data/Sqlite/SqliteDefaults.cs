using Portal.Core.Common;
using Microsoft.Data.Sqlite;

namespace Portal.Data.Sqlite;

public static class SqliteDefaults
{
    public static string ConnectionString(string dataFolder)
    {
        Directory.CreateDirectory(dataFolder);
        return $"Data Source={Path.Combine(dataFolder, "portal.db")};Foreign Keys=True";
    }

    /// <summary>
    /// Creates the database file owner-only (0600) before SQLite opens it, which would otherwise make it
    /// world-readable under the usual umask. SQLite gives its journal and WAL files the database file's mode.
    /// </summary>
    public static void EnsurePrivateFile(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(source) || source == ":memory:"
            || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        PrivateFiles.EnsureOwnerOnly(Path.GetFullPath(source));
    }
}
