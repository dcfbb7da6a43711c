using Portal.Core.Shielding.Guardians;

namespace Portal.Core.ShieldingData;

/// <summary>The public identity of a guardian named in a stored shielding data file: its name and key thumbprints.</summary>
public sealed record ShieldingGuardianInfo(string Name, string SigningThumbprint, string EncryptionThumbprint)
{
    public static ShieldingGuardianInfo From(GuardianPublicKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new(keys.Name, keys.SigningThumbprint, keys.EncryptionThumbprint);
    }

    public bool HasThumbprint(string? thumbprint) =>
        Thumbprint.AreEqual(thumbprint, SigningThumbprint) || Thumbprint.AreEqual(thumbprint, EncryptionThumbprint);
}
