using Portal.Core.Fabric;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// The fabric with two portals on one PostgreSQL database: portal A in the test's process (its services are at hand),
/// portal B its own process with A's settings and A's key-ring certificate. host-a's agent talks to A, host-b's to B.
/// </summary>
public sealed class ScaleOutFixture : FabricFixture
{
    public ChildProcess PortalB { get; private set; } = default!;

    public Uri PortalBUrl { get; private set; } = default!;

    protected override async Task StartMorePortalsAsync()
    {
        var environment = PortalSettings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        environment["Database__MigrateOnStart"] = "false";
        environment["Portal__DataFolder"] = Path.Combine(Root, "portal-b");
        environment["DataProtection__GenerateCertificate"] = "false";
        environment["DataProtection__CertificateFile"] = Path.Combine(Root, "portal", "data-protection.pfx");
        environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        PortalB = StartTracked("portal B", "Portal.Web.dll", ["--urls", "http://127.0.0.1:0"], environment);
        PortalBUrl = await PortalB.ListeningAsync(Deadline);
    }

    /// <summary>host-a is too small for the tenant's size, so every VM goes to host-b, whose agent talks to portal B.</summary>
    protected override async Task StartHostsAsync()
    {
        HostA = await StartAgentAsync("host-a", new HostResources(1, 1, 10));
        HostB = await StartAgentAsync("host-b");
        await WaitForHostsAsync(hosts => hosts.Count(h => h.Name is "host-a" or "host-b" && h.HealthyForShieldedVms) == 2);
    }

    protected override Uri PortalUrlFor(string hostName) => hostName == "host-b" ? PortalBUrl : PortalUrl;
}
