namespace Portal.Core.Shielding.Guardians;

/// <summary>Guardian metadata or a guardian key file was refused; see <see cref="ShieldingFormatException.Error"/>.</summary>
public sealed class GuardianFormatException(ShieldingFormat format, ShieldingFormatError error, string message)
    : ShieldingFormatException(format, error, message);
