using System.Net;
using System.Net.Http.Json;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

/// <summary>After a firmware update: the host fails until the HGS admin reviews its measurements and accepts them as a baseline.</summary>
public sealed class BaselineWorkflowTests : IDisposable
{
    private const string UpdatedFirmware = "TenantPortal simulated firmware 1.1";

    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task FirmwareUpdate_FailsSecureBootSettings_UntilTheAdminAcceptsTheCapturedBaseline()
    {
        using var agent = new TestAgent(_hgs, "host-updated", configure: s => s["HostAgent:Simulate:FirmwareVersion"] = UpdatedFirmware);
        var host = await _hgs.RegisterAsync(await agent.RegistrationAsync());
        var admin = _hgs.CreateAdminClient();

        var failed = await agent.AttestAsync();
        var capture = (await admin.GetFromJsonAsync<BaselineCaptureDto>($"{HgsRoutes.Admin}/hosts/{host.Id}/baseline-capture"))!;
        using var accepted = await admin.PostAsJsonAsync($"{HgsRoutes.Admin}/baselines/captured",
            new AcceptBaselineRequest(host.Id, "Firmware 1.1", capture.PcrDigest));
        var passed = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.InsecureHostConfiguration, failed.Status);
        Assert.Equal(AttestationSubStatus.SecureBootSettings, failed.SubStatus);
        Assert.Contains("PCR 0", failed.Reason);
        Assert.False(capture.AlreadyAllowed);
        Assert.Equal("Simulated host, healthy boot", capture.NearestBaseline);
        var difference = Assert.Single(capture.Differences);
        Assert.Equal(0, difference.Index);
        Assert.Contains(difference.Events, line => line.Contains(UpdatedFirmware));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var baseline = (await accepted.Content.ReadFromJsonAsync<TpmBaselineDto>())!;
        Assert.Equal("host-updated", baseline.CapturedFrom);
        Assert.Equal(AttestationStatus.Passed, passed.Status);
    }

    [Fact]
    public async Task Accept_MeasurementsThatChangedSinceTheReview_IsConflict()
    {
        using var agent = new TestAgent(_hgs, "host-moving", configure: s => s["HostAgent:Simulate:FirmwareVersion"] = UpdatedFirmware);
        var host = await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.AttestAsync();
        var admin = _hgs.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync($"{HgsRoutes.Admin}/baselines/captured",
            new AcceptBaselineRequest(host.Id, "Reviewed something else", new string('A', 64)));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("review its measurements again", await response.Content.ReadAsStringAsync());
        var baselines = await admin.GetFromJsonAsync<List<TpmBaselineDto>>($"{HgsRoutes.Admin}/baselines");
        Assert.Single(baselines!);
    }

    [Fact]
    public async Task Capture_OfAHostThatNeverProvedItsMeasurements_IsNotFound()
    {
        using var agent = new TestAgent(_hgs, "host-silent");
        var host = await _hgs.RegisterAsync(await agent.RegistrationAsync());

        using var response = await _hgs.CreateAdminClient().GetAsync($"{HgsRoutes.Admin}/hosts/{host.Id}/baseline-capture");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Capture_OfAHealthyHost_SaysItIsAlreadyAllowed()
    {
        using var agent = new TestAgent(_hgs, "host-known");
        var host = await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.AttestAsync();

        var capture = (await _hgs.CreateAdminClient().GetFromJsonAsync<BaselineCaptureDto>($"{HgsRoutes.Admin}/hosts/{host.Id}/baseline-capture"))!;

        Assert.True(capture.AlreadyAllowed);
        Assert.Empty(capture.Differences);
    }

    [Fact]
    public async Task Capture_IsOnlyFromEvidenceThatVerified()
    {
        using var agent = new TestAgent(_hgs, "host-liar", configure: s => s["HostAgent:Simulate:TamperBootLog"] = "true");
        var host = await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.AttestAsync();

        using var response = await _hgs.CreateAdminClient().GetAsync($"{HgsRoutes.Admin}/hosts/{host.Id}/baseline-capture");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
