using Portal.Core.Shielding.Guardians;

namespace Portal.Web.Features.ShieldingData;

/// <summary>This fabric's guardian as tenants see it: the metadata file to download and the public keys it holds. No private key.</summary>
public sealed class FabricGuardian(byte[] metadata, GuardianPublicKeys publicKeys)
{
    private readonly byte[] _metadata = metadata;

    public GuardianPublicKeys PublicKeys { get; } = publicKeys;

    public string Name => PublicKeys.Name;

    public string SigningThumbprint => PublicKeys.SigningThumbprint;

    public string EncryptionThumbprint => PublicKeys.EncryptionThumbprint;

    /// <summary>The guardian metadata (JSON, UTF-8) exactly as tenants download it.</summary>
    public byte[] Metadata => (byte[])_metadata.Clone();
}
