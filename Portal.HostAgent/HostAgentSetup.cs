using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Consoles;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Hypervisor.Qemu;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent;

public static class HostAgentSetup
{
    /// <summary>
    /// The whole agent: options from the <c>HostAgent</c> section, the portal client, the credential store, the
    /// hypervisor driver, attestation, the join-and-heartbeat loop and the job loops. Used by the agent's process and by the
    /// portal's embedded simulated hosts alike.
    /// </summary>
    public static IHostApplicationBuilder AddHostAgent(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostAgentOptions>()
            .BindConfiguration(HostAgentOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Capacity is null || Validates(o.Capacity), "HostAgent:Capacity needs Vcpus, MemoryGiB and StorageGiB of at least 1.")
            .Validate(o => o.PortalUrl.IsAbsoluteUri, "HostAgent:PortalUrl must be an absolute URL.")
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
        builder.AddHypervisorDriver();
        builder.AddHostAttestation();
        services.AddHostedService<HostAgentWorker>();
        builder.AddHostJobs();
        builder.AddHostConsoles();
        return builder;
    }

    /// <summary>
    /// The hypervisor driver named by <c>HostAgent:Hypervisor</c> (or <c>HostAgent:Hypervisor:Driver</c>, for JSON files
    /// that also set the simulated driver's timings): <c>Simulated</c> (the default) or <c>Qemu</c>.
    /// </summary>
    public static IHostApplicationBuilder AddHypervisorDriver(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var choice = builder.Configuration[SimulatedHypervisorOptions.SectionName + ":Driver"] is { Length: > 0 } driver
            ? driver
            : builder.Configuration[SimulatedHypervisorOptions.SectionName] ?? nameof(HypervisorKind.Simulated);
        if (!Enum.TryParse<HypervisorKind>(choice, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            throw new InvalidOperationException($"HostAgent:Hypervisor is '{choice}'; use Simulated or Qemu.");
        }

        switch (kind)
        {
            case HypervisorKind.Simulated:
                services.AddOptions<SimulatedHypervisorOptions>()
                    .BindConfiguration(SimulatedHypervisorOptions.SectionName)
                    .ValidateDataAnnotations()
                    .ValidateOnStart();
                services.AddSingleton<IHypervisorDriver, SimulatedHypervisorDriver>();
                break;
            case HypervisorKind.Qemu:
                if (OperatingSystem.IsWindows())
                {
                    throw new InvalidOperationException("HostAgent:Hypervisor Qemu runs on Linux hosts only.");
                }

                AddQemuDriver(services);
                break;
        }

        return builder;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void AddQemuDriver(IServiceCollection services)
    {
        services.AddOptions<QemuHypervisorOptions>()
            .BindConfiguration(QemuHypervisorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<QemuHypervisorOptions>, QemuHypervisorOptionsValidation>();
        services.AddSingleton<QemuHypervisorDriver>();
        services.AddSingleton<IHypervisorDriver>(provider => provider.GetRequiredService<QemuHypervisorDriver>());
    }

    private static bool Validates(HostCapacityOptions capacity) =>
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            capacity, new System.ComponentModel.DataAnnotations.ValidationContext(capacity), null, validateAllProperties: true);
}
