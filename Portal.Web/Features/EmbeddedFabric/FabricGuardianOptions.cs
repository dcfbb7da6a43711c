namespace Portal.Web.Features.EmbeddedFabric;

public sealed class FabricGuardianOptions
{
    public const string SectionName = "Fabric";

    /// <summary>
    /// Path of this fabric's guardian metadata (<c>tenantportal guardian export</c>, or HGS's export); relative paths
    /// start at the content root. Empty: no guardian yet, and the shielding data page says so.
    /// </summary>
    public string? GuardianMetadataFile { get; set; }
}
