using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Consoles;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent;

public static class HostAgentSetup
{
    /// <summary>
    /// The whole agent: options from the <c>HostAgent</c> section, the portal client, the credential store, the
    /// simulated hypervisor, attestation, the join-and-heartbeat loop and the job loops. Used by the agent's process and by the
    /// portal's embedded simulated hosts alike.
    /// </summary>
    public static IHostApplicationBuilder AddHostAgent(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostAgentOptions>()
            .BindConfiguration(HostAgentOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Validates(o.Capacity), "HostAgent:Capacity needs Vcpus, MemoryGiB and StorageGiB of at least 1.")
            .Validate(o => o.PortalUrl.IsAbsoluteUri, "HostAgent:PortalUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddOptions<SimulatedHypervisorOptions>()
            .BindConfiguration(SimulatedHypervisorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(PortalFabricClient.HttpClientName, (provider, client) =>
        {
            client.BaseAddress = provider.GetRequiredService<IOptions<HostAgentOptions>>().Value.PortalUrl;
            client.Timeout = TimeSpan.FromSeconds(30);
        });
        services.AddSingleton<HostCredentialStore>();
        services.AddSingleton<PortalFabricClient>();
        services.AddSingleton<HostAgentStatus>();
        services.AddSingleton<IHypervisorDriver, SimulatedHypervisorDriver>();
        builder.AddHostAttestation();
        services.AddHostedService<HostAgentWorker>();
        builder.AddHostJobs();
        builder.AddHostConsoles();
        return builder;
    }

    private static bool Validates(HostCapacityOptions capacity) =>
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            capacity, new System.ComponentModel.DataAnnotations.ValidationContext(capacity), null, validateAllProperties: true);
}
