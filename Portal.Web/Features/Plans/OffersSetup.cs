using Portal.Web.Features.AddOns;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.Tenants;

namespace Portal.Web.Features.Plans;

/// <summary>The provider's offer and the tenant's self-service: gallery, plans, add-ons, subscriptions, tenants.</summary>
public static class OffersSetup
{
    public static WebApplicationBuilder AddOffers(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<GalleryService>();
        builder.Services.AddScoped<PlanService>();
        builder.Services.AddScoped<PlanCatalog>();
        builder.Services.AddScoped<AddOnService>();
        builder.Services.AddScoped<SubscriptionService>();
        builder.Services.AddScoped<TenantAdministration>();
        return builder;
    }

    public static IEndpointRouteBuilder MapOffersApi(this IEndpointRouteBuilder app)
    {
        app.MapPlanEndpoints();
        app.MapSubscriptionEndpoints();
        app.MapAdminPlanEndpoints();
        app.MapAdminAddOnEndpoints();
        app.MapAdminGalleryEndpoints();
        app.MapAdminTenantEndpoints();
        app.MapAdminSubscriptionEndpoints();
        return app;
    }
}
