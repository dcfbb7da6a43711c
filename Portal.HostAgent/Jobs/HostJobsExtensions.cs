using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.HostAgent.Jobs;

public static class HostJobsExtensions
{
    /// <summary>
    /// Adds job taking: the portal job client, the executor and its steps, the regular VMs' key store, and the claim
    /// loops. A template disk library registers <see cref="ITemplateDiskSource"/>; until one does, create jobs fail
    /// at their first step saying none is configured.
    /// </summary>
    public static IHostApplicationBuilder AddHostJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostJobOptions>()
            .BindConfiguration(HostJobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<ITemplateDiskSource, UnconfiguredTemplateDiskSource>();
        services.AddSingleton<IJobChannel, PortalJobClient>();
        services.AddSingleton<RegularVmKeyStore>();
        services.AddSingleton<JobSteps>();
        services.AddSingleton<JobExecutor>();
        services.AddHostedService<JobWorker>();
        return builder;
    }
}
