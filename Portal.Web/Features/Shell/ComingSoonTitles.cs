namespace Portal.Web.Features.Shell;

internal static class ComingSoonTitles
{
    public static string For(string relativePath) => relativePath.Split('?', '#')[0].TrimEnd('/') switch
    {
        "vms" => "Virtual machines",
        "admin/jobs" => "Jobs",
        _ => "Coming soon",
    };
}
