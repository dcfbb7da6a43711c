using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Portal.Web.Tests.Fabric;

namespace Portal.Web.Tests.Security;

/// <summary>
/// The portal with HGS in its process, as the embedded default maps it (a simulated host configured; under the in-memory
/// test server it does not start, having no address to reach the portal on), with a caller of each kind. HGS holds no
/// tenant's resources, so its route values are new ids.
/// </summary>
public sealed class InProcessHgsMatrixApp : IAsyncLifetime
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-matrix-hgs-{Guid.NewGuid():N}");
    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private readonly FabricTestApp _fabric;

    public InProcessHgsMatrixApp()
    {
        _fabric = FabricTestApp.With(new Dictionary<string, string?>
        {
            ["Fabric:SimulatedHosts:Count"] = "1",
            ["Portal:DataFolder"] = _dataFolder,
            ["Hgs:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
    }

    public IServiceProvider Services => _fabric.App.Services;

    public HttpClient Client(Caller caller) => _clients[caller];

    public async Task InitializeAsync()
    {
        await _fabric.InitializeAsync();
        var admin = await _fabric.AdminAsync();
        _clients[Caller.Anonymous] = _fabric.Anonymous();
        _clients[Caller.TenantA] = await _fabric.TenantAsync();
        _clients[Caller.TenantB] = await _fabric.TenantAsync();
        _clients[Caller.ProviderAdmin] = admin;
        _clients[Caller.HostAgent] = (await TestAgent.JoinedAsync(_fabric, admin)).Client;
    }

    public async Task DisposeAsync()
    {
        await _fabric.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataFolder))
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }

    public static string RouteValue(string patternThroughParameter) => patternThroughParameter switch
    {
        "/hgs/openapi/{documentName:regex(^hgs$)}" => "hgs",
        "/hgs/v1/admin/host-groups/{name}" => "matrix",
        _ when patternThroughParameter.EndsWith(":guid}", StringComparison.Ordinal)
            || patternThroughParameter.EndsWith("{id}", StringComparison.Ordinal) => Guid.NewGuid().ToString(),
        _ => throw new Xunit.Sdk.XunitException($"No value for {patternThroughParameter}: add one to {nameof(InProcessHgsMatrixApp)}."),
    };
}
