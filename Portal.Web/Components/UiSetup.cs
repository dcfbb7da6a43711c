using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Web.Features.EmbeddedFabric;
using Portal.Web.Infrastructure;

namespace Portal.Web.Components;

public static class UiSetup
{
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ClientAddress>();
        builder.Services.AddScoped<CircuitHandler, ClientAddressCircuitHandler>();
        builder.Services.AddScoped<CurrentActor>();
        return builder;
    }

    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapStaticAssets();
        var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        if (app.Services.GetService<InProcessHgsAdminPages>() is { } hgsPages)
        {
            pages.AddAdditionalAssemblies(hgsPages.Assemblies);
        }

        return app;
    }
}
