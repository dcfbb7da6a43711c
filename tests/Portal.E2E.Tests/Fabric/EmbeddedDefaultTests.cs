using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests.Fabric;

/// <summary>
/// What a newcomer gets from <c>dotnet run --project Portal.Web</c>: SQLite, HGS in the portal's process and three
/// simulated guarded hosts running the real agent, each attesting with its own swtpm (test.sh installs swtpm and
/// tpm2-tools), the third with Secure Boot off.
/// </summary>
public sealed class EmbeddedDefaultTests(EmbeddedPortalFixture portal) : BrowserTest(portal), IClassFixture<EmbeddedPortalFixture>
{
    [Fact]
    public async Task SimulatedHosts_AttestWithTheirSwtpmToInProcessHgs_TwoPassAndTheThirdShowsSecureBoot()
    {
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var fabric = new FabricPage(Page);
        await fabric.OpenAsync();

        await Assertions.Expect(fabric.Health("sim-host-1")).ToHaveAttributeAsync("data-status", "Passed");
        await Assertions.Expect(fabric.Health("sim-host-2")).ToHaveAttributeAsync("data-status", "Passed");
        await Assertions.Expect(fabric.Health("sim-host-3")).ToHaveAttributeAsync("data-status", "InsecureHostConfiguration");
        await Assertions.Expect(fabric.SubStatus("sim-host-3")).ToHaveTextAsync("SecureBoot");
        await Assertions.Expect(fabric.Reason("sim-host-3")).ToContainTextAsync("PCR 7");
        foreach (var host in new[] { "sim-host-1", "sim-host-2", "sim-host-3" })
        {
            await Assertions.Expect(fabric.Tpm(host)).ToContainTextAsync("TPM: swtpm");
        }
    }

    [Fact]
    public async Task Tenant_SeesTheInProcessHgsGuardian_ToDownload()
    {
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        var shielding = new ShieldingDataPage(Page);
        await shielding.OpenAsync();

        await Assertions.Expect(shielding.FabricGuardian).ToContainTextAsync("TenantPortal fabric");
        await Assertions.Expect(shielding.DownloadGuardianLink).ToBeVisibleAsync();
    }
}

/// <summary>The embedded default, on its own data folder.</summary>
public sealed class EmbeddedPortalFixture() : PortalFixtureBase(postgres: false)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
        [new("Fabric:SimulatedHosts:HeartbeatIntervalSeconds", "1"), new("Fabric:SimulatedHosts:Hypervisor", "Simulated"),
            new("Fabric:SimulatedHosts:Tpm", "Swtpm")];
}
