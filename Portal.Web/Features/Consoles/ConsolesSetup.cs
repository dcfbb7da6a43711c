namespace Portal.Web.Features.Consoles;

/// <summary>VM serial consoles in the browser, relayed through the portal from the VM's host.</summary>
public static class ConsolesSetup
{
    public static WebApplicationBuilder AddConsoles(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>()
            .BindConfiguration(ConsoleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ConsoleBroker>();
        builder.Services.AddSingleton<ConsoleAccess>();
        builder.Services.AddSingleton<ConsoleConnections>();
        builder.Services.AddSingleton<ConsoleBridge>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConsoleBridge>());
        return builder;
    }

    /// <summary>WebSockets for the console endpoints (added after authentication, so the upgrade is authorised first).</summary>
    public static WebApplication MapConsoles(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapConsoleEndpoints();
        return app;
    }
}
