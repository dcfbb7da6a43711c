namespace Portal.HostGuardian.Store;

/// <summary>A private key HGS holds (fabric guardian, attestation signer), sealed under the master key.</summary>
public sealed class ProtectedKey
{
    public const string FabricGuardian = "fabric-guardian";
    public const string AttestationSigner = "attestation-signer";

    /// <summary>What the key is for; also the AES-GCM associated data, so sealed keys cannot be swapped.</summary>
    public required string Purpose { get; set; }

    public required string Name { get; set; }

    /// <summary>Thumbprint of the public key, to find it without opening the sealed blob.</summary>
    public required string Thumbprint { get; set; }

    public required byte[] SealedPrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
