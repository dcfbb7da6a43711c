namespace Portal.Web.Features.FabricAgents;

/// <summary>Where the portal gets HGS's attestation signer public key, to verify hosts' health certificates.</summary>
public interface IAttestationSignerSource
{
    /// <summary>The signer's DER SubjectPublicKeyInfo, or null when HGS cannot be asked right now.</summary>
    ValueTask<byte[]?> GetAsync(CancellationToken ct);
}
