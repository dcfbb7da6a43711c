using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace Portal.ServiceDefaults;

/// <summary>
/// Log levels that keep an idle service quiet. They sit below every other configuration source, so
/// <c>Logging:LogLevel:…</c> in appsettings, the environment or the command line still wins. JSON console logs:
/// <c>Logging:Console:FormatterName=json</c> (e.g. <c>Logging__Console__FormatterName=json</c>).
/// </summary>
public static class LoggingDefaults
{
    public static readonly IReadOnlyDictionary<string, string?> Levels = new Dictionary<string, string?>
    {
        // One line per request of every heartbeat and attestation otherwise; failures still log at Warning.
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
    };

    public static TBuilder AddLoggingDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Levels });
        if (builder.Configuration is IConfigurationRoot root)
        {
            root.Reload();
        }

        return builder;
    }
}
