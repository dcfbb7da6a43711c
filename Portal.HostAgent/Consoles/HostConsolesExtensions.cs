namespace Portal.HostAgent.Consoles;

public static class HostConsolesExtensions
{
    /// <summary>Adds VM consoles: the portal's console relay client and the loop that serves console requests.</summary>
    public static IHostApplicationBuilder AddHostConsoles(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ConsoleAgentOptions>()
            .BindConfiguration(ConsoleAgentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IConsoleChannel, PortalConsoleClient>();
        services.AddHostedService<ConsoleWorker>();
        return builder;
    }
}
