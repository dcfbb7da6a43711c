namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// What a host-key-mode host says about itself. Self-reported and so only as trustworthy as the host key; HGS still
/// refuses a host that admits to an insecure configuration or an unknown code-integrity policy.
/// </summary>
public sealed record HostConfigurationReport(bool SecureBoot, bool Iommu, bool VirtualSecureMode, string CodeIntegrityPolicy)
{
    internal byte[] Canonical() =>
        [(byte)((SecureBoot ? 1 : 0) | (Iommu ? 2 : 0) | (VirtualSecureMode ? 4 : 0)), .. System.Text.Encoding.UTF8.GetBytes(CodeIntegrityPolicy.ToUpperInvariant())];

    /// <summary>Which reported settings break policy (code-integrity is checked separately against allowed policies).</summary>
    public AttestationSubStatus Findings() =>
        (SecureBoot ? AttestationSubStatus.None : AttestationSubStatus.SecureBoot)
        | (Iommu ? AttestationSubStatus.None : AttestationSubStatus.Iommu)
        | (VirtualSecureMode ? AttestationSubStatus.None : AttestationSubStatus.VirtualSecureMode);
}
