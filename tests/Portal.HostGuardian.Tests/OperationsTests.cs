using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Attestation;
using Portal.HostGuardian.Tests.Infrastructure;
using Portal.Testing;

namespace Portal.HostGuardian.Tests;

/// <summary>HGS's own metrics and its health endpoints.</summary>
public sealed class OperationsTests : IDisposable
{
    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task Attestation_RecordsItsResultByStatus()
    {
        using var metrics = new RecordedMeasurements(_hgs.Services.GetRequiredService<IMeterFactory>(), HgsMetrics.MeterName);
        using var registered = new TestAgent(_hgs, "host-metrics-passed");
        await _hgs.RegisterAsync(await registered.RegistrationAsync());
        using var unknown = new TestAgent(_hgs, "host-metrics-unknown");

        Assert.Equal(AttestationStatus.Passed, (await registered.AttestAsync()).Status);
        var client = _hgs.CreateClient();
        var unregistered = await Evidence.SendAsync(client, await Evidence.TpmAsync(unknown, "host-metrics-unknown", await Evidence.ChallengeAsync(client)));
        Assert.Equal(AttestationStatus.UnauthorizedHost, unregistered.Status);

        Assert.Single(metrics.Of("tenantportal.hgs.attestations", ("attestation.status", "Passed"), ("attestation.mode", "TpmTrusted")));
        Assert.Single(metrics.Of("tenantportal.hgs.attestations", ("attestation.status", "UnauthorizedHost")));
    }

    [Fact]
    public async Task KeyRelease_RecordsGrantedAndRefused()
    {
        using var metrics = new RecordedMeasurements(_hgs.Services.GetRequiredService<IMeterFactory>(), HgsMetrics.MeterName);
        using var agent = new TestAgent(_hgs, "host-metrics-release");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.AttestAsync();
        var (_, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync());
        var (_, otherProtector) = TenantSide.NewProtector(TenantSide.OtherFabric.PublicKeys);

        await agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None);
        await Assert.ThrowsAsync<KeyReleaseRefusedException>(() => agent.KeyRelease.ReleaseKeyProtectorAsync(otherProtector, CancellationToken.None));

        Assert.Single(metrics.Of("tenantportal.hgs.key_releases", ("key_release.outcome", "granted")));
        Assert.Single(metrics.Of("tenantportal.hgs.key_releases", ("key_release.outcome", "refused")));
    }

    [Fact]
    public async Task Health_LiveAndReadyAndSummary_Answer200WithTheirChecks()
    {
        var client = _hgs.CreateClient();

        var live = await client.GetAsync("/healthz/live");
        var ready = await client.GetAsync("/healthz/ready");
        var all = await client.GetAsync("/healthz");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode, all.StatusCode));
        Assert.Equal(["self"], Checks(await live.Content.ReadAsStringAsync()));
        Assert.Equal(["hgs-store"], Checks(await ready.Content.ReadAsStringAsync()));
        Assert.Equal(["hgs-store", "self"], Checks(await all.Content.ReadAsStringAsync()).Order());
    }

    private static List<string> Checks(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name)];
}
