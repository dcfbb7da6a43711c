namespace Portal.Core.Shielding.DataFiles;

/// <summary>What a shielding data file asks of the VM it specialises (stored as one byte: 1, 2).</summary>
public enum ShieldingPolicy
{
    /// <summary>Fully shielded: encrypted, runs only on attested hosts, no console access for the fabric admin.</summary>
    Shielded = 1,

    /// <summary>Encrypted and attested, but the fabric admin keeps console access (for troubleshooting).</summary>
    EncryptionSupported = 2,
}
