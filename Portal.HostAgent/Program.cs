using Portal.ServiceDefaults;

namespace Portal.HostAgent;

/// <summary>
/// The host agent's process. An explicit class rather than top-level statements: the shared service defaults bring
/// ASP.NET Core, whose generator would make a top-level <c>Program</c> public and clash with the portal's own.
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        builder.AddHostAgent();
        builder.Build().Run();
    }
}
