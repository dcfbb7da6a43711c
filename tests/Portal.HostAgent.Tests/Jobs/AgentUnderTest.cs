using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Jobs;
using Portal.HostAgent.Tests.Hypervisor;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>
/// One host's job side in a temporary data folder: the real executor, steps, key store and simulated hypervisor (zero
/// delays), with fakes for the portal, the template library, HGS and the host's health. The lease clock is fake, so
/// background renewals happen only when a test moves time.
/// </summary>
internal sealed class AgentUnderTest : IDisposable
{
    private readonly DriverFolder _folder = new();

    public AgentUnderTest()
    {
        Health = new FakeHostHealth(Time);
        Health.BeHealthy();
        Hgs = new FakeHgs(Health);
        Portal = new FakeJobChannel(Time);
        Templates = new FakeTemplateDisks(Path.Combine(DataFolder, "library"));
        Driver = _folder.Driver();
        Keys = new RegularVmKeyStore(Options.Create(new HostAgentOptions { DataFolder = DataFolder }), TransportKey);
        Executor = new JobExecutor(
            Portal, new JobSteps(Portal, Templates, Health, Hgs, Driver, Keys, Time), Driver, Time, NullLogger<JobExecutor>.Instance);
    }

    public string DataFolder => _folder.Path;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public FakeHostHealth Health { get; }

    public FakeHgs Hgs { get; }

    public HostTransportKey TransportKey { get; } = TestTransport.NewHostKey();

    public FakeJobChannel Portal { get; }

    public FakeTemplateDisks Templates { get; }

    public SimulatedHypervisorDriver Driver { get; }

    public RegularVmKeyStore Keys { get; }

    public JobExecutor Executor { get; }

    public static VmSpec ShieldedVm(byte[]? keyProtector = null, byte[]? catalog = null, Guid? id = null) => new(
        id ?? Guid.NewGuid(), "vm-01", new HostResources(2, 4, 40), Shielded: true, ShieldingPolicy.Shielded,
        new TemplateDiskSpec(TestShielding.TemplateSha384, TestShielding.TemplateDisk.Length, catalog ?? TestShielding.Catalog.ToArray()),
        keyProtector, HasShieldingData: true);

    public static VmSpec RegularVm(Guid? id = null) => new(
        id ?? Guid.NewGuid(), "web-01", new HostResources(2, 4, 40), Shielded: false, Policy: null,
        new TemplateDiskSpec(TestShielding.TemplateSha384, TestShielding.TemplateDisk.Length, CatalogFile: null),
        KeyProtector: null, HasShieldingData: false);

    public static JobAssignment Job(JobType type, VmSpec vm, long fencingToken = 1) => new(
        Guid.NewGuid(), type, fencingToken, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(3), 1, JobPlan.Steps(type, vm.Shielded), vm);

    public Task<JobRunOutcome> RunAsync(JobType type, VmSpec vm) => Executor.RunAsync(Job(type, vm), CancellationToken.None);

    /// <summary>The VM's disk as the VM sees it, opened with <paramref name="key"/>.</summary>
    public async Task<byte[]> ReadDiskAsync(Guid vmId, byte[] key)
    {
        using var plain = new MemoryStream();
        await Driver.ReadDiskAsync(vmId, key, plain, CancellationToken.None);
        return plain.ToArray();
    }

    public void Dispose()
    {
        TransportKey.Dispose();
        _folder.Dispose();
    }
}
