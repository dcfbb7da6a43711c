using System.ComponentModel.DataAnnotations;

namespace Portal.HostGuardian.Options;

/// <summary>Settings of the Host Guardian Service, section <c>Hgs</c>.</summary>
public sealed class HgsOptions
{
    public const string SectionName = "Hgs";

    /// <summary>Folder of HGS's own SQLite store (and, in Development only, its generated master key).</summary>
    [Required]
    public string DataFolder { get; set; } = "hgs-data";

    /// <summary>SQLite connection string; default <c>Data Source={DataFolder}/hgs.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Base64 of the 32-byte AES-256 master key that seals the guardian's and signer's private keys.</summary>
    public string? MasterKey { get; set; }

    /// <summary>File holding the master key (base64 text or 32 raw bytes); used when <see cref="MasterKey"/> is empty.</summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>
    /// Key for the HGS admin API (header X-Hgs-Admin-Key), at least 16 characters. Required outside Development; in
    /// Development an empty key disables the admin API.
    /// </summary>
    public string? AdminApiKey { get; set; }

    /// <summary>Name of the fabric guardian HGS creates on first start.</summary>
    [Required]
    [StringLength(128, MinimumLength = 1)]
    public string GuardianName { get; set; } = "TenantPortal fabric";

    /// <summary>Lifetime of a health certificate; short, so an unhealthy host loses access soon.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CertificateLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long an attestation nonce is accepted after its challenge.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often expired nonces (used or not) are deleted from the store, besides on every challenge.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan NonceSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Anonymous attestation calls (challenge and attest together) one client address may make per
    /// <see cref="AttestationRateWindow"/>; more answer 429 with <c>Retry-After</c>. An honest host makes two per attestation.
    /// </summary>
    [Range(1, 100_000)]
    public int AttestationPermitLimit { get; set; } = 60;

    /// <summary>The window of <see cref="AttestationPermitLimit"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AttestationRateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far a key-release request's time may differ from HGS's clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeyReleaseClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// On an empty store, allow the simulated hosts' healthy TPM baseline and default code-integrity policy — for the
    /// embedded default and demos; production HGS admins add their own.
    /// </summary>
    public bool SeedSimulatedPolicy { get; set; }

    /// <summary>Which endorsement key certificates HGS trusts (section <c>Hgs:EndorsementKeyCertificates</c>).</summary>
    public EndorsementKeyCertificateOptions EndorsementKeyCertificates { get; set; } = new();

    /// <summary>How long a credential-activation challenge may be answered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan ActivationLifetime { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// The TPM manufacturers' CAs HGS trusts for EK certificates. With <see cref="Required"/>, a TPM-trusted host must
/// present an EK certificate that chains to one of <see cref="TrustedCertificates"/> and names its EK, at registration
/// and at every attestation; without it, an EK certificate a host does present is still checked when CAs are listed.
/// </summary>
public sealed class EndorsementKeyCertificateOptions
{
    public bool Required { get; set; }

    /// <summary>PEM files of CA certificates (roots and intermediates) that issue EK certificates.</summary>
    public List<string> TrustedCertificates { get; set; } = [];
}
