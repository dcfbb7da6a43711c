using Portal.Testing;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// The fabric of <see cref="FabricFixture"/> with one guarded host that runs real VMs: host-a, a real agent process
/// with the QEMU driver (TCG), and a template whose disk is the guest built by <c>guest/build.sh</c>.
/// </summary>
public sealed class QemuFabricFixture : FabricFixture
{
    public GuestBuild Guest { get; } = new();

    /// <summary>Long enough for a TCG boot and first-boot specialisation on a busy two-core machine.</summary>
    public static TimeSpan VmDeadline { get; } = TimeSpan.FromMinutes(3);

    public string[] QemuArguments(params string[] extra) =>
    [
        "--HostAgent:Hypervisor=Qemu",
        $"--HostAgent:Qemu:GuestFolder={Guest.Folder}",
        "--HostAgent:Qemu:Acceleration=Tcg",
        .. extra,
    ];

    protected override (byte[] Disk, string FileName) TemplateDisk() => (File.ReadAllBytes(Guest.TemplatePath), "tenantportal-linux.qcow2");

    protected override async Task StartHostsAsync()
    {
        HostA = await StartAgentAsync("host-a", extra: QemuArguments());
        HostB = HostA;
        await WaitForHostsAsync(hosts => hosts.Any(h => h.Name == "host-a" && h.HealthyForShieldedVms));
    }
}

[CollectionDefinition(Name)]
public sealed class QemuFabricCollection : ICollectionFixture<QemuFabricFixture>
{
    public const string Name = "Fabric with a QEMU host";
}
