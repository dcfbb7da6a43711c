using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Data;

/// <summary>Asks a failed save what went wrong, so a dropped connection is never mistaken for a duplicate.</summary>
public static class DbExceptions
{
    /// <summary>True when a unique index refused the write (PostgreSQL 23505, SQLite constraint 2067/1555).</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException e => e.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException e => e.SqliteErrorCode == 19 && e.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
