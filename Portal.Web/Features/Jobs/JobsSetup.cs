namespace Portal.Web.Features.Jobs;

/// <summary>The fabric controller: the job queue's placement loop and reaper, the agents' job API, and the jobs APIs.</summary>
public static class JobsSetup
{
    public static WebApplicationBuilder AddFabricController(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FabricControllerOptions>()
            .BindConfiguration(FabricControllerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<HostWakeups>();
        builder.Services.AddSingleton<JobPlacement>();
        builder.Services.AddSingleton<JobReaper>();
        builder.Services.AddSingleton<JobDispatch>();
        builder.Services.AddSingleton<JobMetrics>();
        builder.Services.AddSingleton<JobService>();
        builder.Services.AddSingleton<JobAdministration>();
        builder.Services.AddHostedService<FabricController>();
        return builder;
    }

    public static IEndpointRouteBuilder MapJobApi(this IEndpointRouteBuilder app)
    {
        app.MapAgentJobEndpoints();
        app.MapJobEndpoints();
        app.MapAdminJobEndpoints();
        return app;
    }
}
