using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.ShieldingData;

/// <summary>
/// A portal whose fabric has a guardian (made with the command-line tool, as a provider would), one Chromium, and a
/// scratch folder standing in for the tenant's own machine.
/// </summary>
public sealed class ShieldingPortalFixture : PortalFixtureBase
{
    /// <summary>The provider's machine: the fabric guardian (private key stays here, never in the portal) and disks.</summary>
    public Tool Provider { get; } = new("provider");

    protected override Task PrepareAsync()
    {
        Provider.Run("guardian", "new", "--name", "Contoso fabric", "--out", Provider.PathOf("fabric.guardian.json"));
        Provider.Run("guardian", "export", "--guardian", Provider.PathOf("fabric.guardian.json"), "--out", Provider.PathOf("fabric.metadata.json"));
        return Task.CompletedTask;
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
        [new("Fabric:GuardianMetadataFile", Provider.PathOf("fabric.metadata.json"))];

    protected override Task CleanUpAsync()
    {
        Provider.Dispose();
        return Task.CompletedTask;
    }
}
