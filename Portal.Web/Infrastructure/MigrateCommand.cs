using Portal.Data;

namespace Portal.Web.Infrastructure;

/// <summary><c>Portal.Web --migrate</c>: apply the schema to the configured database and exit (docker-compose's one-shot).</summary>
public static class MigrateCommand
{
    public static bool IsRequested(string[] args) => args.Contains("--migrate", StringComparer.OrdinalIgnoreCase);

    public static async Task RunAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        app.Logger.LogInformation("Migrations applied; exiting");
    }
}
