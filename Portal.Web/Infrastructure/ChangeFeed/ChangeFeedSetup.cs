namespace Portal.Web.Infrastructure.ChangeFeed;

public static class ChangeFeedSetup
{
    /// <summary>
    /// Live updates for open views: each process keeps its own subscribers, and changes travel between the processes
    /// sharing a database over the cluster bus.
    /// </summary>
    public static WebApplicationBuilder AddChangeFeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InProcessChangeFeed>();
        builder.Services.AddSingleton<IChangeFeed, ClusterChangeFeed>();
        return builder;
    }
}
