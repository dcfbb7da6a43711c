using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Hypervisor.Qemu;

namespace Portal.HostAgent.Tests.Qemu;

public sealed class GuestMarkersTests
{
    [Fact]
    public async Task MarkerLines_AreParsed_OnlyAtTheStartOfALine()
    {
        var markers = new GuestMarkers();

        markers.OnLine("web-01 login: TENANTPORTAL-GUEST-READY tpm0=present");
        markers.OnLine("echo TENANTPORTAL-SPECIALISED name=spoofed");
        Assert.False(markers.GuestReady.IsCompleted);
        Assert.False(markers.Specialized.IsCompleted);

        markers.OnLine("\rTENANTPORTAL-GUEST-READY tpm0=present virtio-ports=vport0p1:org.tenantportal.answer root=rw kernel=6.1");
        markers.OnLine("TENANTPORTAL-SPECIALISE-WAITING");
        markers.OnLine("TENANTPORTAL-SPECIALISED name=web-01");

        Assert.StartsWith("tpm0=present", await markers.GuestReady, StringComparison.Ordinal);
        Assert.Null(await markers.FirstBoot);
        Assert.Equal("web-01", await markers.Specialized);
    }

    [Fact]
    public async Task AFailedSpecialisation_CarriesTheGuestsReason()
    {
        var markers = new GuestMarkers();

        markers.OnLine("TENANTPORTAL-SPECIALISE-FAILED reason=bad entry name");

        var failed = await Assert.ThrowsAsync<HypervisorException>(() => markers.Specialized);
        Assert.Equal(HypervisorError.GuestFailed, failed.Error);
        Assert.Equal("The guest could not apply its specialisation: bad entry name.", failed.Message);
    }

    [Fact]
    public async Task ALaterBoot_NamesTheComputerItWasSpecialisedAs()
    {
        var markers = new GuestMarkers();

        markers.OnLine("TENANTPORTAL-ALREADY-SPECIALISED name=web-01");

        Assert.Equal("web-01", await markers.FirstBoot);
    }
}

public sealed class QemuKeysTests
{
    [Fact]
    public void TheDiskPassphraseAndTheVtpmKey_AreSeparateKeys_DerivedFromTheVmKey()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

        var passphrase = QemuKeys.DiskPassphrase(key);
        var tpm = QemuKeys.TpmStateKey(key);

        Assert.Equal(44, passphrase.Length);
        Assert.All(passphrase, b => Assert.InRange(b, (byte)0x21, (byte)0x7e));
        Assert.Equal(32, tpm.Length);
        Assert.Equal(passphrase, QemuKeys.DiskPassphrase(key));
        Assert.NotEqual(Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(passphrase)), tpm);
        Assert.NotEqual(key, tpm);
        Assert.NotEqual(passphrase, QemuKeys.DiskPassphrase(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(HypervisorError.WrongKey, Assert.Throws<HypervisorException>(() => QemuKeys.TpmStateKey(new byte[16])).Error);
    }
}
