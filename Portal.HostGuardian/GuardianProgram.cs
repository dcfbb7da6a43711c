using Portal.HostGuardian.AdminPages;
using Portal.ServiceDefaults;

namespace Portal.HostGuardian;

/// <summary>
/// The standalone Host Guardian Service. An explicit class rather than top-level statements because Portal.Web
/// references this assembly to host HGS in-process (through <see cref="HostGuardianServiceExtensions"/>), and two
/// global <c>Program</c> types would clash. Not static, so tests can use it as <c>WebApplicationFactory&lt;GuardianProgram&gt;</c>.
/// </summary>
public sealed class GuardianProgram
{
    private GuardianProgram()
    {
    }

    public static async Task Main(string[] args)
    {
        if (await HealthProbe.HandledAsync(args))
        {
            return;
        }

        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddHostGuardianService();
        builder.AddHostGuardianReadiness();
        builder.AddHgsAdminPages();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapHgsAdminPages();
        app.MapHostGuardianService();
        app.MapHealthEndpoints();
        await app.RunWithPortGuardAsync();
    }
}
