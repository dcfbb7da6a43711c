using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

public sealed class HostJobsSetupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hostagent-setup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AddHostAgent_WiresTheExecutor_AndTemplateDisksComeFromTheHostsCache()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["HostAgent:DataFolder"] = _folder });
        builder.AddHostAgent();
        using var host = builder.Build();

        Assert.NotNull(host.Services.GetRequiredService<JobExecutor>());
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == "JobWorker");
        Assert.Same(host.Services.GetRequiredService<Portal.HostAgent.Library.TemplateDiskCache>(), host.Services.GetRequiredService<ITemplateDiskSource>());
        Assert.Equal(2, host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostJobOptions>>().Value.JobSlots);
    }

}
