using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Sqlite;

namespace Portal.Data.Tests.Foundation;

/// <summary>A throwaway SQLite file, as the embedded portal uses, deleted on dispose.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");

    public string ConnectionString => $"Data Source={_path};Foreign Keys=True";

    public SqlitePortalDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(ConnectionString).Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
