using System.Net;
using System.Net.Http.Json;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Qualifiers;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

/// <summary>Agent software TPM → attest → health certificate → key release → unwrap on the host, in each mode.</summary>
public sealed class FullChainTests : IDisposable
{
    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task TpmTrusted_ReleasesTheVmKeyToTheAttestedHost()
    {
        using var agent = new TestAgent(_hgs, "tpm-host");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());

        await AssertFullChainAsync(agent, AttestationMode.TpmTrusted);
    }

    [Fact]
    public async Task HostKey_ReleasesTheVmKeyToTheAttestedHost()
    {
        using var agent = new TestAgent(_hgs, "hostkey-host", AttestationMode.HostKey);
        await _hgs.RegisterAsync(await agent.RegistrationAsync());

        await AssertFullChainAsync(agent, AttestationMode.HostKey);
    }

    [Fact]
    public async Task HostKey_ReportedSecureBootOff_IsInsecureHostConfiguration()
    {
        using var agent = new TestAgent(_hgs, "hostkey-sb-off", AttestationMode.HostKey, s => s["HostAgent:Simulate:SecureBootOff"] = "true");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.InsecureHostConfiguration, outcome.Status);
        Assert.Equal(AttestationSubStatus.SecureBoot, outcome.SubStatus);
    }

    [Fact]
    public async Task AdminTrusted_ReleasesTheVmKeyToAHostOfAnAllowedGroup()
    {
        var group = await CreateGroupAsync("legacy-cluster");
        using var agent = new TestAgent(_hgs, "legacy-host", AttestationMode.AdminTrusted, s =>
        {
            s["HostAgent:HostGroup"] = group.Name;
            s["HostAgent:HostGroupCredential"] = Convert.ToBase64String(group.Credential);
        });
        await _hgs.RegisterAsync(await agent.RegistrationAsync());

        await AssertFullChainAsync(agent, AttestationMode.AdminTrusted);
    }

    [Fact]
    public async Task AdminTrusted_WrongGroupCredential_IsUnauthorizedHost()
    {
        var group = await CreateGroupAsync("legacy-cluster-2");
        using var agent = new TestAgent(_hgs, "legacy-impostor", AttestationMode.AdminTrusted, s =>
        {
            s["HostAgent:HostGroup"] = group.Name;
            s["HostAgent:HostGroupCredential"] = Convert.ToBase64String(new byte[32]);
        });
        await _hgs.RegisterAsync(await agent.RegistrationAsync());

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.UnauthorizedHost, outcome.Status);
    }

    [Fact]
    public async Task AdminTrusted_GroupRemoved_IsUnauthorizedHost()
    {
        var group = await CreateGroupAsync("retired-cluster");
        using var agent = new TestAgent(_hgs, "retired-host", AttestationMode.AdminTrusted, s =>
        {
            s["HostAgent:HostGroup"] = group.Name;
            s["HostAgent:HostGroupCredential"] = Convert.ToBase64String(group.Credential);
        });
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        using var removed = await _hgs.CreateAdminClient().DeleteAsync($"{HgsRoutes.Admin}/host-groups/{group.Name}");

        var outcome = await agent.AttestAsync();

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(AttestationStatus.UnauthorizedHost, outcome.Status);
    }

    [Fact]
    public async Task ShieldingData_ContentKeyReleasedToTheHostOpensTheSecrets()
    {
        using var agent = new TestAgent(_hgs, "pdk-host");
        await _hgs.RegisterAsync(await agent.RegistrationAsync());
        await agent.AttestAsync();
        var disk = new byte[4096];
        var catalog = await VolumeSignatureCatalog.SignAsync(new MemoryStream(disk), "WS2025", new Version(10, 0), "ws.vhdx", TenantSide.Owner, _hgs.Time);
        var file = ShieldingDataFile.Create(TenantSide.Owner, [await _hgs.FabricGuardianAsync()],
            [VolumeIdQualifier.For(catalog, VersionRule.GreaterThanOrEquals)], ShieldingPolicy.Shielded,
            ShieldingPayload.Create("Pa55-word!secret", "<unattend/>"), _hgs.Time);

        var contentKey = await agent.KeyRelease.ReleaseShieldingDataKeyAsync(file.ToArray(), CancellationToken.None);

        Assert.Equal("Pa55-word!secret", file.OpenWithContentKey(contentKey).AdministratorPassword);
    }

    private async Task AssertFullChainAsync(TestAgent agent, AttestationMode mode)
    {
        var outcome = await agent.AttestAsync();
        Assert.Equal(AttestationStatus.Passed, outcome.Status);
        Assert.Equal(mode, HealthCertificate.Read(outcome.HealthCertificate!).Mode);
        Assert.True(agent.Health.IsHealthy);
        var (vmKey, protector) = TenantSide.NewProtector(await _hgs.FabricGuardianAsync(), TenantSide.OtherFabric.PublicKeys);

        var released = await agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None);

        Assert.Equal(vmKey, released);
    }

    private async Task<HostGroupCreated> CreateGroupAsync(string name)
    {
        using var response = await _hgs.CreateAdminClient().PostAsJsonAsync($"{HgsRoutes.Admin}/host-groups", new HostGroupRequest(name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HostGroupCreated>())!;
    }
}
