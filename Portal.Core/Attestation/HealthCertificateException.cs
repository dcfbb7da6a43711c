using Portal.Core.Common;

namespace Portal.Core.Attestation;

/// <summary>A health certificate was refused; <see cref="Error"/> says exactly why. The message never contains key material.</summary>
public sealed class HealthCertificateException(HealthCertificateError error, string message)
    : DomainException($"Health certificate: {message}")
{
    public HealthCertificateError Error { get; } = error;
}
