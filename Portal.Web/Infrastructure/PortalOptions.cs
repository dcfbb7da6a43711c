namespace Portal.Web.Infrastructure;

public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>Where the embedded database and other local state live. Defaults to App_Data under the content root.</summary>
    public string? DataFolder { get; set; }

    public BootstrapAdminOptions Bootstrap { get; set; } = new();

    /// <summary>
    /// Seed a ready shielded offer (signed template with its disk, a size, a public plan) into an empty embedded
    /// database. Unset means yes for SQLite; PostgreSQL never seeds, whatever this says.
    /// </summary>
    public bool? SeedDemoOffer { get; set; }
}

public sealed class BootstrapAdminOptions
{
    public string AdminEmail { get; set; } = "admin@tenantportal.local";

    /// <summary>When empty on a fresh database, a strong password is generated and printed once.</summary>
    public string? AdminPassword { get; set; }
}
