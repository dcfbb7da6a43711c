namespace Portal.Core.Attestation;

/// <summary>Why a health certificate was refused; stable codes for logs, tests and HTTP answers.</summary>
public enum HealthCertificateError
{
    /// <summary>Not a health certificate: wrong magic, truncated, a field out of range, or trailing bytes.</summary>
    Malformed,

    /// <summary>A format version this reader does not know.</summary>
    UnsupportedVersion,

    /// <summary>Signed by another key than the attestation signer it was checked against.</summary>
    WrongSigner,

    /// <summary>The signature does not verify: the certificate was altered or forged.</summary>
    BadSignature,

    /// <summary>Issued in the future (beyond the allowed clock skew).</summary>
    NotYetValid,

    /// <summary>Its lifetime is over; the host must attest again.</summary>
    Expired,
}
