using System.Text;
using Portal.Core.Attestation;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

public sealed class ShieldedCreateTests : IDisposable
{
    private readonly AgentUnderTest _agent = new();

    public void Dispose() => _agent.Dispose();

    [Fact]
    public async Task ShieldedCreate_ReportsEveryStepInOrder_AndEndsRunning()
    {
        var vm = AgentUnderTest.ShieldedVm();

        var outcome = await _agent.RunAsync(JobType.Create, vm);

        Assert.Equal(JobRunOutcome.Succeeded, outcome);
        var expected = JobPlan.Steps(JobType.Create, shielded: true)
            .SelectMany(s => new[] { (s, JobStepState.Running), (s, JobStepState.Succeeded) });
        var progress = _agent.Portal.Steps.Where(r => r.State == JobStepState.Running && r.Message is not null).ToList();
        Assert.Equal(expected, _agent.Portal.Steps.Except(progress).Select(r => (r.Step, r.State)));
        Assert.Contains(progress, r => r.Step == JobStepKind.SpecializeGuest);
        Assert.All(_agent.Portal.Steps.Where(r => r.State != JobStepState.Running), r => Assert.False(string.IsNullOrWhiteSpace(r.Message)));
        Assert.Equal(new JobCompletion(1, true, null, false), _agent.Portal.Completion);
        Assert.IsType<JobCompletion>(_agent.Portal.Accepted[^1]);
        Assert.Equal(Portal.Core.Fabric.Protocol.VmPowerState.Running, _agent.Driver.Find(vm.Id)!.State);
    }

    [Fact]
    public async Task ShieldedCreate_ReportsTheKeyProtectorBeforeAnyDisk_AndItOpensTheDiskThroughTheFabricGuardian()
    {
        var vm = AgentUnderTest.ShieldedVm();
        var vmsFolder = Path.Combine(_agent.DataFolder, "vms");
        var diskExistedAtReport = true;
        _agent.Portal.OnKeyProtector = _ =>
            diskExistedAtReport = _agent.Driver.Find(vm.Id) is not null || Directory.Exists(Path.Combine(vmsFolder, vm.Id.ToString("N")));

        await _agent.RunAsync(JobType.Create, vm);

        Assert.False(diskExistedAtReport);
        var report = Assert.Single(_agent.Portal.KeyProtectors);
        var protector = KeyProtector.Read(report.KeyProtector);
        Assert.Equal(TestShielding.Owner.PublicKeys, protector.Owner);
        Assert.Equal([TestShielding.Fabric.PublicKeys], protector.Guardians);
        var disk = await _agent.ReadDiskAsync(vm.Id, protector.Unwrap(TestShielding.Fabric));
        Assert.Equal(TestShielding.TemplateDisk, disk[..TestShielding.TemplateDisk.Length]);
        var guest = GuestSpecialization.ReadFromDisk(disk);
        var answer = Encoding.UTF8.GetString(guest[GuestSpecialization.AnswerFileEntry]);
        Assert.Contains("<ComputerName>vm-01</ComputerName>", answer, StringComparison.Ordinal);
        Assert.Contains("<TimeZone>UTC</TimeZone>", answer, StringComparison.Ordinal);
        Assert.Contains(TestShielding.AnswerMarker, answer, StringComparison.Ordinal);
        Assert.Equal(TestShielding.PasswordMarker, Encoding.UTF8.GetString(guest[GuestSpecialization.AdministratorPasswordEntry]));
        Assert.Equal("vm-01", Encoding.UTF8.GetString(guest[GuestSpecialization.ComputerNameEntry]));
        Assert.Single(Encoding.UTF8.GetString(guest[GuestSpecialization.AuthorizedKeysEntry]).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task ShieldedCreate_EvenTheFirstStartTakesTheKeyFromHgs()
    {
        await _agent.RunAsync(JobType.Create, AgentUnderTest.ShieldedVm());

        Assert.Equal(1, _agent.Hgs.ShieldingDataReleases);
        Assert.Equal(1, _agent.Hgs.KeyProtectorReleases);
    }

    [Fact]
    public async Task ShieldedCreate_LeavesNoSecretInClearAnywhereOnTheHost()
    {
        var vm = AgentUnderTest.ShieldedVm();

        await _agent.RunAsync(JobType.Create, vm);

        var protector = KeyProtector.Read(_agent.Portal.KeyProtectors.Single().KeyProtector);
        var vmKey = protector.Unwrap(TestShielding.Fabric);
        Assert.NotEmpty(Directory.EnumerateFiles(_agent.DataFolder, "*", SearchOption.AllDirectories));
        Assert.Empty(SecretScan.Find(_agent.DataFolder, TestShielding.PasswordMarker));
        Assert.Empty(SecretScan.Find(_agent.DataFolder, TestShielding.AnswerMarker));
        Assert.Empty(SecretScan.Find(_agent.DataFolder, "<ComputerName>vm-01</ComputerName>"));
        Assert.Empty(SecretScan.Find(_agent.DataFolder, vmKey));
        Assert.False(Directory.Exists(_agent.Keys.Folder));
        Assert.DoesNotContain(_agent.Portal.Steps, r => r.Message?.Contains("Marker", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ShieldedCreate_TemplateDiskDiffersFromTheLibrary_FailsClosedAtVerify()
    {
        var tampered = (byte[])TestShielding.TemplateDisk.Clone();
        tampered[1234] ^= 0xFF;
        _agent.Templates.Content = tampered;
        var vm = AgentUnderTest.ShieldedVm();

        var outcome = await _agent.RunAsync(JobType.Create, vm);

        Assert.Equal(JobRunOutcome.Failed, outcome);
        var completion = _agent.Portal.Completion!;
        Assert.Equal(new JobError(JobStepKind.VerifyTemplateDisk, "TemplateDiskMismatch", completion.Error!.Message), completion.Error);
        Assert.Contains("is not the library's", completion.Error.Message, StringComparison.Ordinal);
        Assert.False(completion.Retryable);
        Assert.Equal((JobStepKind.VerifyTemplateDisk, JobStepState.Failed), (_agent.Portal.Steps[^1].Step, _agent.Portal.Steps[^1].State));
        AssertNothingBuilt(vm);
    }

    [Fact]
    public async Task ShieldedCreate_CatalogTheShieldingDataDoesNotTrust_FailsClosedNamingTheCatalog()
    {
        var vm = AgentUnderTest.ShieldedVm(catalog: TestShielding.StrangerCatalog.ToArray());

        await _agent.RunAsync(JobType.Create, vm);

        var error = _agent.Portal.Completion!.Error!;
        Assert.Equal((JobStepKind.VerifyTemplateDisk, "CatalogNotTrusted"), (error.Step, error.Code));
        Assert.Contains("\"WS2025-DC\" version 10.0.26100.1 signed by \"Unknown publisher\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(TestShielding.StrangerCatalog.SignerThumbprint, error.Message, StringComparison.Ordinal);
        Assert.False(_agent.Portal.Completion.Retryable);
        AssertNothingBuilt(vm);
    }

    [Fact]
    public async Task ShieldedCreate_TemplateWithoutCatalog_FailsClosed()
    {
        var spec = AgentUnderTest.ShieldedVm();
        var vm = spec with { TemplateDisk = spec.TemplateDisk! with { CatalogFile = null } };

        await _agent.RunAsync(JobType.Create, vm);

        Assert.Equal((JobStepKind.VerifyTemplateDisk, "NoCatalog"), (_agent.Portal.Completion!.Error!.Step, _agent.Portal.Completion.Error.Code));
        AssertNothingBuilt(vm);
    }

    [Fact]
    public async Task ShieldedCreate_CatalogOfAnotherDisk_FailsClosed()
    {
        var other = await VolumeSignatureCatalogFor(new byte[1000]);
        var vm = AgentUnderTest.ShieldedVm(catalog: other);

        await _agent.RunAsync(JobType.Create, vm);

        Assert.Equal((JobStepKind.VerifyTemplateDisk, "CatalogMismatch"), (_agent.Portal.Completion!.Error!.Step, _agent.Portal.Completion.Error.Code));
        AssertNothingBuilt(vm);
    }

    [Theory]
    [InlineData(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot, false)]
    [InlineData(AttestationStatus.TransientError, AttestationSubStatus.None, true)]
    public async Task ShieldedCreate_UnhealthyHost_FailsAtAttest_WithStatusAndReason(AttestationStatus status, AttestationSubStatus sub, bool retryable)
    {
        _agent.Health.Current = null;
        _agent.Health.NextAttestation = AttestationOutcome.Failed(status, sub, "Secure Boot is off on this host.");
        var vm = AgentUnderTest.ShieldedVm();

        await _agent.RunAsync(JobType.Create, vm);

        var completion = _agent.Portal.Completion!;
        Assert.Equal(new JobError(JobStepKind.Attest, status.ToString(), $"{status} ({sub}): Secure Boot is off on this host."), completion.Error);
        Assert.Equal(retryable, completion.Retryable);
        Assert.Equal(0, _agent.Hgs.ShieldingDataReleases);
        Assert.Empty(_agent.Portal.KeyProtectors);
        AssertNothingBuilt(vm);
    }

    [Fact]
    public async Task ShieldedCreate_ReusesAValidHealthCertificate()
    {
        await _agent.RunAsync(JobType.Create, AgentUnderTest.ShieldedVm());

        Assert.Equal(0, _agent.Health.Attestations);
    }

    [Fact]
    public async Task ShieldedCreate_ExpiredCertificate_AttestsAgain()
    {
        _agent.Time.Advance(TimeSpan.FromHours(2));

        await _agent.RunAsync(JobType.Create, AgentUnderTest.ShieldedVm());

        Assert.Equal(1, _agent.Health.Attestations);
        Assert.True(_agent.Portal.Completion!.Succeeded);
    }

    [Fact]
    public async Task ShieldedCreate_Replayed_MakesNoSecondVmAndNoSecondKeyProtector()
    {
        var vm = AgentUnderTest.ShieldedVm();
        await _agent.RunAsync(JobType.Create, vm);
        var protector = _agent.Portal.KeyProtectors.Single().KeyProtector;
        var disk = await File.ReadAllBytesAsync(DiskPath(vm.Id));
        var firstRun = _agent.Portal.Steps.Count;

        var outcome = await _agent.RunAsync(JobType.Create, vm with { KeyProtector = protector });

        Assert.Equal(JobRunOutcome.Succeeded, outcome);
        Assert.Single(_agent.Portal.KeyProtectors);
        Assert.Single(_agent.Driver.List());
        Assert.Equal(disk, await File.ReadAllBytesAsync(DiskPath(vm.Id)));
        var replayed = _agent.Portal.Steps.Skip(firstRun)
            .Where(r => r.State != JobStepState.Running).ToDictionary(r => r.Step, r => r.State);
        Assert.Equal(JobStepState.Skipped, replayed[JobStepKind.CreateKeyProtector]);
        Assert.Equal(JobStepState.Skipped, replayed[JobStepKind.WriteDisk]);
        Assert.Equal(JobStepState.Skipped, replayed[JobStepKind.StartVm]);
        Assert.Equal(JobStepState.Skipped, replayed[JobStepKind.OpenShieldingData]);
        Assert.Equal(JobStepState.Skipped, replayed[JobStepKind.SpecializeGuest]);
        Assert.Equal(1, _agent.Hgs.ShieldingDataReleases);
    }

    [Fact]
    public async Task ShieldedCreate_MovedToANewHostWithItsKeyProtector_BuildsTheDiskWithTheKeyFromHgs()
    {
        var vmKey = KeyProtector.GenerateKey();
        var protector = KeyProtector.Create(TestShielding.Owner.PublicKeys, [TestShielding.Fabric.PublicKeys], vmKey).ToArray();
        var vm = AgentUnderTest.ShieldedVm(keyProtector: protector);

        await _agent.RunAsync(JobType.Create, vm);

        Assert.True(_agent.Portal.Completion!.Succeeded);
        Assert.Empty(_agent.Portal.KeyProtectors);
        Assert.Equal(JobStepState.Skipped, _agent.Portal.Steps.Last(r => r.Step == JobStepKind.CreateKeyProtector).State);
        Assert.Equal(TestShielding.TemplateDisk, (await _agent.ReadDiskAsync(vm.Id, vmKey))[..TestShielding.TemplateDisk.Length]);
        Assert.Equal(2, _agent.Hgs.KeyProtectorReleases);
    }

    private string DiskPath(Guid vmId) => Path.Combine(_agent.DataFolder, "vms", vmId.ToString("N"), "disk.tpvd");

    private void AssertNothingBuilt(VmSpec vm)
    {
        Assert.Null(_agent.Driver.Find(vm.Id));
        Assert.Empty(_agent.Portal.KeyProtectors);
        Assert.Equal(0, _agent.Hgs.KeyProtectorReleases);
    }

    private static async Task<byte[]> VolumeSignatureCatalogFor(byte[] disk) =>
        (await Portal.Core.Shielding.Catalogs.VolumeSignatureCatalog.SignAsync(
            new MemoryStream(disk), "WS2025-DC", new Version(10, 0, 26100, 1), "ws2025.vhdx", TestShielding.Owner, TimeProvider.System)).ToArray();
}
