using System.Security.Cryptography;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Fabric;

/// <summary>
/// A portal (own database, own Kestrel port) whose HGS attestation signer is a key this fixture holds, so tests can act
/// as guarded hosts over the agent API with real health certificates; plus one headless Chromium.
/// </summary>
public sealed class FabricPortalFixture : PortalFixtureBase
{
    public ECDsa Signer { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Fabric:AttestationSignerKey", Convert.ToBase64String(Signer.ExportSubjectPublicKeyInfo())),
        new("Fabric:SimulatedHosts:Count", "0"),
    ];

    protected override Task CleanUpAsync()
    {
        Signer.Dispose();
        return Task.CompletedTask;
    }
}
