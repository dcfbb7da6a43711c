using Portal.Data;

namespace Portal.Web.Infrastructure;

/// <summary><c>Portal.Web --migrate</c>: apply the schema to the configured database and exit (docker-compose's one-shot).</summary>
public static class MigrateCommand
{
    private const string Switch = "--migrate";

    public static bool IsRequested(string[] args) => args.Contains(Switch, StringComparer.OrdinalIgnoreCase);

    /// <summary>The switch has no value; left in, the configuration reader would take the next argument as its value.</summary>
    public static string[] WithoutSwitch(string[] args) =>
        [.. args.Where(a => !string.Equals(a, Switch, StringComparison.OrdinalIgnoreCase))];

    public static async Task RunAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        app.Logger.LogInformation("Migrations applied; exiting");
    }
}
