namespace Portal.Data.Identity;

public static class Roles
{
    public const string ProviderAdmin = "ProviderAdmin";
}
