namespace Portal.Data.Sqlite;

public static class SqliteDefaults
{
    public static string ConnectionString(string dataFolder)
    {
        Directory.CreateDirectory(dataFolder);
        return $"Data Source={Path.Combine(dataFolder, "portal.db")};Foreign Keys=True";
    }
}
