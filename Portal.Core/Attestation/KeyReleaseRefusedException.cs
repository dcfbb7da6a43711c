using Portal.Core.Common;

namespace Portal.Core.Attestation;

/// <summary>A key was not released; <see cref="Refusal"/> is the stable reason, the message says it in words.</summary>
public sealed class KeyReleaseRefusedException(KeyReleaseRefusal refusal, string message) : DomainException(message)
{
    public KeyReleaseRefusal Refusal { get; } = refusal;
}
