using Microsoft.Extensions.Options;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Tests.Hypervisor;

namespace Portal.HostAgent.Tests.Fabric;

public sealed class HostCredentialStoreTests : IDisposable
{
    private readonly DriverFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private HostCredentialStore Store() => new(Options.Create(new HostAgentOptions { DataFolder = _folder.Path }));

    [Fact]
    public void Load_BeforeJoining_IsNull()
    {
        Assert.Null(Store().Load());
    }

    [Fact]
    public void Save_ThenLoad_RoundTrips_InAFileOnlyTheAgentsUserCanRead()
    {
        var membership = new HostMembership(Guid.NewGuid(), "host-1", new Uri("http://portal:8080"), "tphc_" + new string('k', 43));

        Store().Save(membership);
        Store().Save(membership);
        var loaded = Store().Load();

        Assert.Equal(membership, loaded);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Store().Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(Store().Path)!));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Store().Path)!));
    }

    [Fact]
    public void Load_DamagedFile_SaysHowToRecover()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Store().Path)!);
        File.WriteAllText(Store().Path, "null");

        var error = Assert.Throws<InvalidDataException>(() => Store().Load());

        Assert.Contains("join again", error.Message);
    }
}
