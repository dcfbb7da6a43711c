namespace Portal.Web.Infrastructure;

public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>Where the embedded database and other local state live. Defaults to App_Data under the content root.</summary>
    public string? DataFolder { get; set; }

    public BootstrapAdminOptions Bootstrap { get; set; } = new();
}

public sealed class BootstrapAdminOptions
{
    public string AdminEmail { get; set; } = "admin@tenantportal.local";

    /// <summary>When empty on a fresh database, a strong password is generated and printed once.</summary>
    public string? AdminPassword { get; set; }
}
