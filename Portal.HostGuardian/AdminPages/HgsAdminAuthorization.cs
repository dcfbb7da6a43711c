namespace Portal.HostGuardian.AdminPages;

/// <summary>
/// Who may open the HGS admin pages: the authorization policy the pages require. Each host app defines it — standalone
/// HGS as a signed-in HGS admin (cookie from the admin key), the portal hosting HGS in-process as its provider admin.
/// </summary>
public static class HgsAdminAuthorization
{
    /// <summary>The policy name on every HGS admin page.</summary>
    public const string Policy = "HgsAdmin";

    /// <summary>The standalone HGS's cookie scheme for its admin pages.</summary>
    public const string Scheme = "HgsAdmin";

    /// <summary>Where the admin pages live.</summary>
    public const string BasePath = "/hgs/admin";

    public const string SignInPath = BasePath + "/sign-in";

    public const string SignOutPath = BasePath + "/sign-out";
}
