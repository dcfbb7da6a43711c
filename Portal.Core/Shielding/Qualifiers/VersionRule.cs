namespace Portal.Core.Shielding.Qualifiers;

/// <summary>How a volume ID qualifier compares a catalog's version with its own (stored as one byte: 1, 2).</summary>
public enum VersionRule
{
    /// <summary>Only exactly this catalog version is trusted.</summary>
    Equals = 1,

    /// <summary>This version and every later one by the same signer and name are trusted (updates keep working).</summary>
    GreaterThanOrEquals = 2,
}
