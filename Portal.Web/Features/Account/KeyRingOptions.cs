namespace Portal.Web.Features.Account;

/// <summary>
/// The certificate that encrypts the Data Protection key ring (the keys behind sign-in cookies) before it is stored
/// in the database, so a copy of the database alone cannot forge a cookie.
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    public const string DefaultFileName = "data-protection.pfx";

    /// <summary>A PKCS#12 (.pfx) file with the certificate and its RSA private key. Default: in the data folder.</summary>
    public string? CertificateFile { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Make a certificate at <see cref="CertificateFile"/> when there is none. Unset means yes for the embedded
    /// SQLite database and in Development, no for PostgreSQL elsewhere: several portals sharing one database must
    /// share one certificate, so production brings its own.
    /// </summary>
    public bool? GenerateCertificate { get; set; }
}
