using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Library;
using Portal.HostAgent.Tests.Hypervisor;

namespace Portal.HostAgent.Tests.Library;

public sealed class TemplateDiskCacheTests : IDisposable
{
    private readonly DriverFolder _folder = new();
    private readonly byte[] _disk = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
    private readonly DiskServer _server;
    private readonly ServiceProvider _services;
    private readonly TemplateDiskCache _cache;

    public TemplateDiskCacheTests()
    {
        _server = new DiskServer(_disk);
        var options = Options.Create(new HostAgentOptions { DataFolder = _folder.Path });
        var credentials = new HostCredentialStore(options);
        credentials.Save(new HostMembership(Guid.NewGuid(), "host-1", new Uri("http://portal.test"), "tphc_" + new string('k', 43)));
        var services = new ServiceCollection();
        services.AddHttpClient(PortalFabricClient.HttpClientName, c => c.BaseAddress = new Uri("http://portal.test"))
            .ConfigurePrimaryHttpMessageHandler(() => _server);
        _services = services.BuildServiceProvider();
        _cache = new TemplateDiskCache(_services.GetRequiredService<IHttpClientFactory>(), credentials, options,
            NullLogger<TemplateDiskCache>.Instance);
    }

    private string Hash => Convert.ToHexString(SHA384.HashData(_disk));

    private string LibraryFolder => Path.Combine(_folder.Path, "library");

    public void Dispose()
    {
        _cache.Dispose();
        _services.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Get_Downloads_Verifies_AndCachesByHash_ThenServesFromTheCache()
    {
        var path = await _cache.GetAsync(Hash.ToLowerInvariant(), _disk.Length, CancellationToken.None);
        var again = await _cache.GetAsync(Hash, _disk.Length, CancellationToken.None);

        Assert.Equal(Path.Combine(LibraryFolder, Hash + ".disk"), path);
        Assert.Equal(path, again);
        Assert.Equal(_disk, await File.ReadAllBytesAsync(path));
        var request = Assert.Single(_server.Requests);
        Assert.Equal($"/api/fabric/v1/template-disks/{Hash}", request.RequestUri!.AbsolutePath);
        Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
        Assert.Null(request.Headers.Range);
        Assert.Empty(Directory.GetFiles(LibraryFolder, "*.partial"));
    }

    [Fact]
    public async Task Get_WithAPartialFile_AsksOnlyForTheRestWithARangeHeader()
    {
        Directory.CreateDirectory(LibraryFolder);
        await File.WriteAllBytesAsync(Path.Combine(LibraryFolder, Hash + ".partial"), _disk[..1_000_000]);

        var path = await _cache.GetAsync(Hash, _disk.Length, CancellationToken.None);

        Assert.Equal(_disk, await File.ReadAllBytesAsync(path));
        var range = Assert.Single(Assert.Single(_server.Requests).Headers.Range!.Ranges);
        Assert.Equal(1_000_000, range.From);
        Assert.Null(range.To);
    }

    [Fact]
    public async Task Get_ConnectionDropsMidway_ResumesFromWhereItStopped()
    {
        _server.CutAfter = 500_000;

        var path = await _cache.GetAsync(Hash, _disk.Length, CancellationToken.None);

        Assert.Equal(_disk, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(500_000, _server.Requests[1].Headers.Range!.Ranges.Single().From);
    }

    [Fact]
    public async Task Get_CorruptedDownload_IsRefused_AndNothingIsCached()
    {
        var corrupted = _disk.ToArray();
        corrupted[12345] ^= 0x01;
        _server.Disk = corrupted;

        var ex = await Assert.ThrowsAsync<TemplateDiskException>(() => _cache.GetAsync(Hash, _disk.Length, CancellationToken.None));

        Assert.Contains(Hash[..12], ex.Message);
        Assert.Empty(Directory.GetFiles(LibraryFolder));
    }

    [Fact]
    public async Task Get_TwoConcurrentCallers_ShareOneDownload()
    {
        _server.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = _cache.GetAsync(Hash, _disk.Length, CancellationToken.None);
        var second = _cache.GetAsync(Hash, _disk.Length, CancellationToken.None);
        while (_server.Requests.Count == 0)
        {
            await Task.Yield();
        }

        _server.Gate.SetResult();
        var paths = await Task.WhenAll(first, second);

        Assert.Equal(paths[0], paths[1]);
        Assert.Single(_server.Requests);
        Assert.Equal(_disk, await File.ReadAllBytesAsync(paths[0]));
    }

    [Fact]
    public async Task Get_UnknownToThePortal_SaysSo()
    {
        var unknown = new string('C', 96);
        _server.Missing = true;

        var ex = await Assert.ThrowsAsync<TemplateDiskException>(() => _cache.GetAsync(unknown, 10, CancellationToken.None));

        Assert.Contains("CCCCCCCCCCCC", ex.Message);
    }
}
