using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Data;

/// <summary>
/// Asks a failed database call what went wrong, so a dropped connection is never mistaken for a duplicate, nor a bug for
/// a database that is briefly away.
/// </summary>
public static class DbExceptions
{
    /// <summary>True when a unique index refused the write (PostgreSQL 23505, SQLite constraint 2067/1555).</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException e => e.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException e => e.SqliteErrorCode == 19 && e.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    /// <summary>
    /// True when the database could not be reached or did not answer in time (connection lost, server restarting, no
    /// pooled connection within the timeout, SQLite busy): the same call may well succeed a moment later.
    /// </summary>
    public static bool IsUnavailable(this Exception exception) => exception switch
    {
        NpgsqlException e => e.IsTransient,
        SqliteException e => e.SqliteErrorCode is 5 or 6,
        DbUpdateException { InnerException: { } inner } => inner.IsUnavailable(),
        _ => false,
    };
}
