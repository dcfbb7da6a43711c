using Portal.Core.Common;

namespace Portal.Core.Shielding;

/// <summary>
/// A guardian tried to open a shielding data file or key protector that was not wrapped for it: the file is valid,
/// this key is simply not one of its owner or guardians.
/// </summary>
public sealed class GuardianNotListedException(string thumbprint, ShieldingFormat format)
    : DomainException($"{ShieldingFormatException.Describe(format)}: the guardian with encryption key {thumbprint} is neither its owner nor one of its guardians.")
{
    public string EncryptionThumbprint { get; } = thumbprint;
}
