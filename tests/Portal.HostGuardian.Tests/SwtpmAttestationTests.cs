using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

/// <summary>
/// The real thing: agents whose TPM is an swtpm (manufactured with an EK certificate from a local CA) driven through
/// tpm2-tools, attesting to an HGS that trusts only that CA's EK certificates. Each agent runs and stops its own swtpm.
/// </summary>
public sealed class SwtpmAttestationTests : IDisposable
{
    private readonly string _trustedCa = Directory.CreateTempSubdirectory("swtpm-ca-trusted-").FullName;
    private readonly string _otherCa = Directory.CreateTempSubdirectory("swtpm-ca-other-").FullName;
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        Directory.Delete(_trustedCa, recursive: true);
        Directory.Delete(_otherCa, recursive: true);
    }

    [Fact]
    public async Task SwtpmHost_EnrolsActivatesQuotesAndPasses_AndGetsAKeyReleased()
    {
        var (hgs, agent) = await StartAsync("host-swtpm", _trustedCa, requireEkCertificate: true);
        var registered = await hgs.RegisterAsync(await agent.RegistrationAsync());

        var outcome = await agent.AttestAsync();
        var (vmKey, protector) = TenantSide.NewProtector(await hgs.FabricGuardianAsync());
        var released = await agent.KeyRelease.ReleaseKeyProtectorAsync(protector, CancellationToken.None);

        Assert.True(registered.HasEndorsementKeyCertificate);
        Assert.Equal(AttestationStatus.Passed, outcome.Status);
        Assert.NotNull(outcome.HealthCertificate);
        Assert.Equal(vmKey, released);
        Assert.StartsWith("swtpm", agent.Health.TpmDescription);
        var host = (await hgs.CreateAdminClient().GetFromJsonAsync<RegisteredHostDto>($"{HgsRoutes.Admin}/hosts/{registered.Id}"))!;
        Assert.NotNull(host.AttestationKeyName);
        Assert.NotNull(host.MeasuredAt);
    }

    [Fact]
    public async Task SwtpmHost_WithSecureBootOff_MeasuresAnotherPcr7_AndIsRefusedForSecureBoot()
    {
        var (hgs, agent) = await StartAsync("host-swtpm-sb-off", _trustedCa, requireEkCertificate: true,
            s => s["HostAgent:Simulate:SecureBootOff"] = "true");
        await hgs.RegisterAsync(await agent.RegistrationAsync());

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.InsecureHostConfiguration, outcome.Status);
        Assert.Equal(AttestationSubStatus.SecureBoot, outcome.SubStatus);
        Assert.Contains("PCR 7", outcome.Reason);
    }

    [Fact]
    public async Task EkCertificateFromAnUntrustedCa_IsRefusedAtRegistration()
    {
        var (hgs, agent) = await StartAsync("host-foreign-ca", _otherCa, requireEkCertificate: true);

        using var response = await hgs.CreateAdminClient().PostAsJsonAsync($"{HgsRoutes.Admin}/hosts", await agent.RegistrationAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not chain to a TPM manufacturer CA HGS trusts", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EkCertificateFromAnUntrustedCa_IsRefusedAtAttestation_WhenTrustChangedAfterRegistration()
    {
        var (hgs, agent) = await StartAsync("host-distrusted", _trustedCa, requireEkCertificate: true);
        var registered = await hgs.RegisterAsync(await agent.RegistrationAsync());
        var foreign = NewAgent(hgs, "host-foreign", _otherCa);
        var foreignCertificate = (await foreign.RegistrationAsync()).EndorsementKeyCertificate!;

        // As if the host had been registered before the HGS admin stopped trusting the CA that issued its EK certificate.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(hgs.DataFolder, "hgs.db")}"))
        {
            await connection.OpenAsync();
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE \"Hosts\" SET \"EndorsementKeyCertificate\" = $certificate WHERE \"Id\" = $id";
            update.Parameters.AddWithValue("$certificate", foreignCertificate);
            update.Parameters.AddWithValue("$id", registered.Id.ToString().ToUpperInvariant());
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var outcome = await agent.AttestAsync();

        Assert.Equal(AttestationStatus.UnauthorizedHost, outcome.Status);
        Assert.Contains("EK certificate", outcome.Reason);
        Assert.Null(outcome.HealthCertificate);
    }

    // The CA exists once an swtpm was manufactured with it, so the first agent is made ready before HGS starts and reads the CA.
    private async Task<(HgsTestHost Hgs, TestAgent Agent)> StartAsync(
        string name, string agentCa, bool requireEkCertificate, Action<Dictionary<string, string?>>? configure = null)
    {
        await ManufactureAsync(_trustedCa);
        var hgs = new HgsTestHost(s =>
        {
            s["Hgs:EndorsementKeyCertificates:Required"] = requireEkCertificate.ToString();
            s["Hgs:EndorsementKeyCertificates:TrustedCertificates:0"] = Path.Combine(_trustedCa, "swtpm-localca-rootca-cert.pem");
            s["Hgs:EndorsementKeyCertificates:TrustedCertificates:1"] = Path.Combine(_trustedCa, "issuercert.pem");
        });
        _owned.Add(hgs);
        var agent = NewAgent(hgs, name, agentCa, configure);
        await agent.Tpm.InitializeAsync(CancellationToken.None);
        return (hgs, agent);
    }

    private async Task ManufactureAsync(string ca)
    {
        if (!File.Exists(Path.Combine(ca, "issuercert.pem")))
        {
            var first = NewAgent(null, "ca-maker", ca);
            await first.Tpm.InitializeAsync(CancellationToken.None);
        }
    }

    private TestAgent NewAgent(HgsTestHost? hgs, string name, string ca, Action<Dictionary<string, string?>>? configure = null)
    {
        var agent = new TestAgent(hgs, name, configure: s =>
        {
            s["HostAgent:Tpm:Kind"] = "Swtpm";
            s["HostAgent:Tpm:SwtpmCertificateAuthorityFolder"] = ca;
            configure?.Invoke(s);
        });
        _owned.Add(agent);
        return agent;
    }
}
