using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Hypervisor;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// Shielded VMs fail closed: without HGS no shielded VM starts (regular ones do), and a shielded VM's folder copied to
/// a host HGS does not vouch for is a locked file.
/// </summary>
[Collection(FabricCollection.Name)]
public sealed class HgsFaultTests(FabricFixture fabric)
{
    [Fact]
    public async Task HgsDown_ShieldedStartFailsNamingHgs_WhileARegularVmStillStartsAndStops()
    {
        var (shielded, shieldedCreate) = await fabric.CreateVmAsync("hgs-down-shielded", shielded: true);
        var (regular, regularCreate) = await fabric.CreateVmAsync("hgs-down-regular", shielded: false);
        await fabric.SucceededAsync(shieldedCreate);
        await fabric.SucceededAsync(regularCreate);
        await fabric.SucceededAsync(await fabric.RequestAsync(shielded.Id, "shutdown"));
        await fabric.SucceededAsync(await fabric.RequestAsync(regular.Id, "shutdown"));

        var port = fabric.HgsUrl.Port;
        await fabric.Hgs.KillAsync();
        try
        {
            var started = DateTime.UtcNow;
            var start = await fabric.WaitForJobAsync(await fabric.RequestAsync(shielded.Id, "start"),
                j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled);

            Assert.True(start.State == JobState.Failed, FabricFixture.Describe(start));
            Assert.True(start.Error!.Step is JobStepKind.Attest or JobStepKind.ReleaseKeyProtector, FabricFixture.Describe(start));
            Assert.Contains("HGS", start.Error.Message, StringComparison.Ordinal);
            Assert.Contains("reach", start.Error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(start.Steps, s => s.Kind == JobStepKind.StartVm && s.State == JobStepState.Succeeded);
            Assert.NotEqual(VmState.Running, (await fabric.VmAsync(shielded.Id)).State);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), $"The refusal took {DateTime.UtcNow - started}.");

            await fabric.SucceededAsync(await fabric.RequestAsync(regular.Id, "start"));
            Assert.Equal(VmState.Running, (await fabric.VmAsync(regular.Id)).State);
            await fabric.SucceededAsync(await fabric.RequestAsync(regular.Id, "shutdown"));
            Assert.Equal(VmState.Stopped, (await fabric.VmAsync(regular.Id)).State);
        }
        finally
        {
            // The same HGS (same master key and store) at the same address, for the tests that follow.
            await fabric.StartHgsAsync(port);
        }

        // With HGS back, the same VM starts: the failure was HGS's absence, nothing else.
        await fabric.SucceededAsync(await fabric.RequestAsync(shielded.Id, "start"));
    }

    /// <summary>
    /// Done at the agent level on purpose: the portal would never place a start on a host that failed attestation or
    /// belongs to another fabric, so to see what such a host could do with a stolen copy the test runs the agent's own
    /// attestation, key release (<see cref="IKeyReleaseClient"/>) and simulated hypervisor in-process, against real HGS
    /// processes. The copy comes from a real agent's data folder, the key protector from the portal's database.
    /// </summary>
    [Fact]
    public async Task CopiedShieldedVmFolder_DoesNotStartOnAnUnhealthyHostOrAnotherFabric_ButStartsOnAnAttestedHostOfThisFabric()
    {
        var (vm, create) = await fabric.CreateVmAsync("copied-shielded", shielded: true);
        await fabric.SucceededAsync(create);
        await fabric.SucceededAsync(await fabric.RequestAsync(vm.Id, "shutdown"));
        var hostId = (await fabric.AdminVmAsync(vm.Id)).HostId;
        var source = new[] { fabric.HostA, fabric.HostB }.Single(a => a.HostId == hostId).VmFolder(vm.Id);
        var protector = await fabric.WithDbAsync(db => db.VirtualMachines.Where(v => v.Id == vm.Id).Select(v => v.KeyProtector).SingleAsync());
        Assert.NotNull(protector);

        // (a) This fabric's HGS, but the host boots with Secure Boot off.
        await using (var insecure = await InProcessHost.StartAsync(fabric, "thief-insecure", fabric.HgsUrl, secureBootOff: true))
        {
            var outcome = await insecure.Health.AttestNowAsync(CancellationToken.None);
            Assert.Equal(AttestationStatus.InsecureHostConfiguration, outcome.Status);
            Assert.True(outcome.SubStatus.HasFlag(AttestationSubStatus.SecureBoot), outcome.Reason);
            var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => insecure.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));
            Assert.Equal(KeyReleaseRefusal.NotHealthy, refused.Refusal);
            await AssertDiskDoesNotOpenAsync(insecure.CopyIn(source, vm.Id), vm.Id);
        }

        // (b) Another provider's fabric: its own HGS, whose guardian the key protector does not list.
        var other = await fabric.StartOtherHgsAsync("hgs-other-fabric");
        try
        {
            await using var foreign = await InProcessHost.StartAsync(fabric, "thief-other-fabric", other.Url, adminKey: other.AdminKey);
            var outcome = await foreign.Health.AttestNowAsync(CancellationToken.None);
            Assert.True(outcome.Status == AttestationStatus.Passed, outcome.Reason);
            var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => foreign.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None));
            Assert.Equal(KeyReleaseRefusal.GuardianNotListed, refused.Refusal);
            await AssertDiskDoesNotOpenAsync(foreign.CopyIn(source, vm.Id), vm.Id);
        }
        finally
        {
            await other.Process.KillAsync();
        }

        // The control: an attested host of this fabric gets the key from HGS and boots the same copy.
        await using var trusted = await InProcessHost.StartAsync(fabric, "trusted-copy-target", fabric.HgsUrl);
        Assert.Equal(AttestationStatus.Passed, (await trusted.Health.AttestNowAsync(CancellationToken.None)).Status);
        var driver = trusted.CopyIn(source, vm.Id);
        var key = await trusted.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None);
        Assert.Equal(VmPowerState.Running, (await driver.StartAsync(vm.Id, key, CancellationToken.None)).State);
    }

    /// <summary>
    /// A copy taken while the VM runs carries <c>vm.json</c> saying Running. A host that just opened its VM store has
    /// started nothing, and this one could not get the key, so the copy must show Off — never Running without a key.
    /// </summary>
    [Fact]
    public async Task CopiedFolderOfARunningShieldedVm_OnAHostThatGotNoKey_IsNotReportedRunning()
    {
        var (vm, create) = await fabric.CreateVmAsync("copied-while-running", shielded: true);
        await fabric.SucceededAsync(create);
        var hostId = (await fabric.AdminVmAsync(vm.Id)).HostId;
        var source = new[] { fabric.HostA, fabric.HostB }.Single(a => a.HostId == hostId).VmFolder(vm.Id);

        await using var insecure = await InProcessHost.StartAsync(fabric, "thief-of-a-running-vm", fabric.HgsUrl, secureBootOff: true);
        Assert.NotEqual(AttestationStatus.Passed, (await insecure.Health.AttestNowAsync(CancellationToken.None)).Status);
        var driver = insecure.CopyIn(source, vm.Id);

        Assert.Equal(VmPowerState.Off, driver.Find(vm.Id)!.State);
        await AssertDiskDoesNotOpenAsync(driver, vm.Id);
    }

    /// <summary>The host got no key from HGS; no key it could make up opens the disk either.</summary>
    private static async Task AssertDiskDoesNotOpenAsync(SimulatedHypervisorDriver driver, Guid vmId)
    {
        Assert.NotNull(driver.Find(vmId));
        foreach (var guess in new[] { new byte[VmDiskCipher.KeySize], VmDiskCipher.NewKey() })
        {
            var error = await Assert.ThrowsAsync<HypervisorException>(() => driver.StartAsync(vmId, guess, CancellationToken.None));
            Assert.Equal(HypervisorError.WrongKey, error.Error);
            await Assert.ThrowsAsync<HypervisorException>(() => driver.ReadDiskAsync(vmId, guess, Stream.Null, CancellationToken.None));
        }

        Assert.Equal(VmPowerState.Off, driver.Find(vmId)!.State);
    }

    /// <summary>A host agent's attestation side and simulated hypervisor in this process, with its own software TPM, registered with an HGS.</summary>
    private sealed class InProcessHost : IAsyncDisposable
    {
        private readonly IHost _host;

        private InProcessHost(IHost host, string folder)
        {
            _host = host;
            Folder = folder;
        }

        public string Folder { get; }

        public IHostHealth Health => _host.Services.GetRequiredService<IHostHealth>();

        public IKeyReleaseClient KeyRelease => _host.Services.GetRequiredService<IKeyReleaseClient>();

        public static async Task<InProcessHost> StartAsync(
            FabricFixture fabric, string name, Uri hgsUrl, bool secureBootOff = false, string? adminKey = null)
        {
            var folder = Path.Combine(fabric.Root, name);
            if (adminKey is null)
            {
                await fabric.RegisterWithHgsAsync(name, folder);
            }
            else
            {
                await HgsRegistration.RegisterSoftwareTpmAsync(name, folder, hgsUrl, adminKey);
            }

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["HostAgent:HostName"] = name,
                ["HostAgent:DataFolder"] = folder,
                ["HostAgent:HgsUrl"] = hgsUrl.ToString(),
                ["HostAgent:AttestationMode"] = nameof(AttestationMode.TpmTrusted),
                ["HostAgent:Simulate:SecureBootOff"] = secureBootOff ? "true" : "false",
            });
            builder.AddHostAttestation();
            return new InProcessHost(builder.Build(), folder);
        }

        /// <summary>Copies the VM's folder into this host's VM store, then opens the store as its hypervisor would at start.</summary>
        public SimulatedHypervisorDriver CopyIn(string vmFolder, Guid vmId)
        {
            var target = Path.Combine(Folder, "vms", vmId.ToString("N"));
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(vmFolder))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }

            return new SimulatedHypervisorDriver(
                Options.Create(new HostAgentOptions { DataFolder = Folder }),
                Options.Create(new SimulatedHypervisorOptions { CreateDelay = TimeSpan.Zero, StartDelay = TimeSpan.Zero, StopDelay = TimeSpan.Zero }),
                TimeProvider.System,
                NullLogger<SimulatedHypervisorDriver>.Instance);
        }

        public ValueTask DisposeAsync()
        {
            _host.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
