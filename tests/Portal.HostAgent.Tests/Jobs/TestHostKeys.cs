using System.Security.Cryptography;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>The test host's transport key: one RSA key shared by the fake HGS (which wraps for it) and the agent under test.</summary>
internal static class TestTransport
{
    private static readonly Lazy<RSA> LazyKey = new(() => RSA.Create(2048));

    public static RSA Key => LazyKey.Value;

    /// <summary>The agent's view of the key; owns its own copy.</summary>
    public static HostTransportKey NewHostKey()
    {
        var copy = RSA.Create();
        copy.ImportParameters(Key.ExportParameters(includePrivateParameters: true));
        return new HostTransportKey(copy);
    }
}
