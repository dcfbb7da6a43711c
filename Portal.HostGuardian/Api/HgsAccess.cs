namespace Portal.HostGuardian.Api;

/// <summary>Who may call an HGS endpoint; endpoint metadata that the OpenAPI document turns into its security requirement.</summary>
public enum HgsAccess
{
    /// <summary>Anyone: attestation, guardian metadata, the attestation signer.</summary>
    Anonymous,

    /// <summary>A host holding a health certificate, proven in the request body by the certificate and its transport key's signature.</summary>
    HealthCertificate,

    /// <summary>The HGS admin, by the admin API key in the <c>X-Hgs-Admin-Key</c> header.</summary>
    AdminKey,
}

/// <summary>The <see cref="HgsAccess"/> an endpoint requires.</summary>
public sealed record HgsAccessMetadata(HgsAccess Access);
