namespace Portal.Core.Shielding.KeyProtectors;

/// <summary>A key protector was refused (malformed, or altered so that its commitment no longer matches its key).</summary>
public sealed class KeyProtectorFormatException(ShieldingFormatError error, string message)
    : ShieldingFormatException(ShieldingFormat.KeyProtector, error, message);
