namespace Portal.HostGuardian.Store;

/// <summary>An allowed host group (admin-trusted mode); its shared credential is sealed under the master key.</summary>
public sealed class HostGroup
{
    public required string Name { get; set; }

    public required byte[] SealedCredential { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
