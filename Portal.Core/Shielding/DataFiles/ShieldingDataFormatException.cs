namespace Portal.Core.Shielding.DataFiles;

/// <summary>
/// A shielding data file (.pdk) was refused: empty, too large, truncated, wrong magic, unknown version, lengths out
/// of bounds, unsigned, signature invalid, no guardians, payload tampered, …; the message says which in one line.
/// </summary>
public sealed class ShieldingDataFormatException(ShieldingFormatError error, string message)
    : ShieldingFormatException(ShieldingFormat.ShieldingData, error, message);
