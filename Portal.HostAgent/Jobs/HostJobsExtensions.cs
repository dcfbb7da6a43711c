namespace Portal.HostAgent.Jobs;

public static class HostJobsExtensions
{
    /// <summary>
    /// Adds job taking: the portal job client, the executor and its steps, the regular VMs' key store, and the claim
    /// loops. Template disks come from the host's <see cref="Library.TemplateDiskCache"/>.
    /// </summary>
    public static IHostApplicationBuilder AddHostJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostJobOptions>()
            .BindConfiguration(HostJobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Library.TemplateDiskCache>();
        services.AddSingleton<ITemplateDiskSource>(provider => provider.GetRequiredService<Library.TemplateDiskCache>());
        services.AddSingleton<IJobChannel, PortalJobClient>();
        services.AddSingleton<RegularVmKeyStore>();
        services.AddSingleton<JobSteps>();
        services.AddSingleton<StrayVmRemover>();
        services.AddSingleton<JobExecutor>();
        services.AddHostedService<JobWorker>();
        return builder;
    }
}
