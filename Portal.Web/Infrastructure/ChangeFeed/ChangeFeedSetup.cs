namespace Portal.Web.Infrastructure.ChangeFeed;

public static class ChangeFeedSetup
{
    /// <summary>Live updates for open views: the in-process feed, one per portal process.</summary>
    public static WebApplicationBuilder AddChangeFeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IChangeFeed, InProcessChangeFeed>();
        return builder;
    }
}
