using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Portal.Web.Tests.Jobs;

/// <summary>The VM list's one query on SQLite, the single-process portal's database.</summary>
public sealed class SqliteVmListTests : IAsyncLifetime
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("portal-vmlist-").FullName;
    private readonly JobsApp _app;

    public SqliteVmListTests() => _app = new JobsApp(settings: new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["Database:ConnectionString"] = "",
        ["Portal:DataFolder"] = _dataFolder,
        ["Hgs:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    });

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataFolder, recursive: true);
    }

    [Fact]
    public Task ListVms_PagesCountAllAndMatchEachVm_OnSqlite() => VmListChecks.PagesMatchEachVmAsync(_app);
}
