using Portal.Web.Infrastructure;

namespace Portal.Web.Features.DemoOffer;

public static class DemoOfferSetup
{
    /// <summary>Seeds the embedded demo offer on first start (see <see cref="DemoOfferSeeder"/>); after the database start-up.</summary>
    public static WebApplicationBuilder AddDemoOffer(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new DemoOfferFolder(builder.GetDataFolder()));
        builder.Services.AddHostedService<DemoOfferSeeder>();
        return builder;
    }
}
