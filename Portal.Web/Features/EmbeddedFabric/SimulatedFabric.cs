using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Auditing;
using Portal.Core.Fabric;
using Portal.Data;
using Portal.HostAgent;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Fabric;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Infrastructure.Operations;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>Where the embedded simulated hosts live and how many there are.</summary>
public sealed record SimulatedFabricSettings(int Count, string HostsFolder, string DataFolder);

/// <summary>
/// The embedded default's guarded hosts: each one is the real agent (join, heartbeat, attestation, simulated
/// hypervisor) in its own service container, talking HTTP to the portal's own address like any other host, with its
/// own data folder under <c>App_Data/hosts/host-N</c>. Started once the portal listens; registered with HGS through
/// HGS's admin API when a key is configured (the embedded default generates one), so they can attest.
/// </summary>
internal sealed class SimulatedFabric(
    SimulatedFabricSettings settings,
    IOptions<FabricOptions> options,
    IConfiguration configuration,
    IServer server,
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    ILoggerFactory loggers,
    FirstStartBanner banner,
    EmbeddedHypervisor hypervisor,
    ILogger<SimulatedFabric> logger) : BackgroundService
{
    public const string HostNamePrefix = "sim-host-";

    private readonly Lock _lock = new();
    private readonly List<IHost> _hosts = [];
    private bool _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        banner.WaitFor(startUp.Task);
        try
        {
            await StartHostsAsync(stoppingToken);
        }
        finally
        {
            startUp.TrySetResult();
        }
    }

    private async Task StartHostsAsync(CancellationToken stoppingToken)
    {
        if (settings.Count == 0 || !await StartedAsync(stoppingToken))
        {
            return;
        }

        var portal = HgsAttestationSignerSource.OwnAddress(server);
        if (portal is null)
        {
            logger.LogWarning("Simulated hosts not started: the portal has no address to reach itself on");
            return;
        }

        var hgs = options.Value.HgsUrl ?? portal;
        var choice = await hypervisor.ChoiceAsync();
        banner.Add($"hosts: {settings.Count} embedded guarded hosts running {(choice.UsesQemu ? "real VMs with QEMU" : "the simulated hypervisor")}:", $"       {choice.Reason}");
        var started = 0;
        for (var number = 1; number <= settings.Count && !stoppingToken.IsCancellationRequested; number++)
        {
            try
            {
                var host = await StartHostAsync(number, portal, hgs, choice, stoppingToken);
                if (Keep(host))
                {
                    started++;
                }
                else
                {
                    // The portal began stopping while this host started: it stops at once too.
                    await host.StopAsync(CancellationToken.None);
                    host.Dispose();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Simulated host {Number} could not start", number);
            }
        }

        logger.LogInformation("{Count} embedded guarded hosts run in this process with {Hypervisor}; portal {PortalUrl}, HGS {HgsUrl}",
            started, choice.UsesQemu ? "QEMU" : "the simulated hypervisor", portal, hgs);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        IHost[] hosts;
        lock (_lock)
        {
            _stopping = true;
            hosts = [.. _hosts];
            _hosts.Clear();
        }

        await base.StopAsync(cancellationToken);
        foreach (var host in hosts)
        {
            await host.StopAsync(cancellationToken);
            host.Dispose();
        }
    }

    /// <summary>Keeps a started host unless the portal is already stopping.</summary>
    private bool Keep(IHost host)
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return false;
            }

            _hosts.Add(host);
            return true;
        }
    }

    private async Task<bool> StartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = ct.Register(() => started.TrySetCanceled(ct));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<IHost> StartHostAsync(int number, Uri portal, Uri hgs, EmbeddedHypervisorChoice choice, CancellationToken ct)
    {
        var name = $"{HostNamePrefix}{number}";
        var folder = Path.Combine(settings.HostsFolder, $"host-{number}");
        Directory.CreateDirectory(folder);
        await ForgetStaleMembershipAsync(folder, ct);

        var values = new Dictionary<string, string?>
        {
            ["HostAgent:PortalUrl"] = portal.ToString(),
            ["HostAgent:HgsUrl"] = hgs.ToString(),
            ["HostAgent:HostName"] = name,
            ["HostAgent:DataFolder"] = folder,
            ["HostAgent:HeartbeatInterval"] = TimeSpan.FromSeconds(options.Value.SimulatedHosts.HeartbeatIntervalSeconds).ToString(),
            ["HostAgent:AttestationRetryInterval"] = "00:00:10",
            ["HostAgent:Capacity:Vcpus"] = (8 + (8 * number)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HostAgent:Capacity:MemoryGiB"] = (32 + (32 * number)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HostAgent:Capacity:StorageGiB"] = (512 * number + 512).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (choice.UsesQemu)
        {
            values["HostAgent:Hypervisor"] = "Qemu";
            values["HostAgent:Qemu:GuestFolder"] = choice.GuestFolder;
        }

        if (!File.Exists(Path.Combine(folder, "fabric", HostCredentialStore.FileName)))
        {
            values["HostAgent:JoinToken"] = await IssueJoinTokenAsync(portal, ct);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = environment.EnvironmentName,
            ContentRootPath = folder,
            ApplicationName = "Portal.HostAgent",
        });
        builder.Configuration.AddInMemoryCollection(values);
        // Per-host settings from Fabric:SimulatedHosts:Hosts:N (e.g. a misconfiguration to show a failing host).
        builder.Configuration.AddInMemoryCollection(
            configuration.GetSection($"{FabricOptions.SectionName}:SimulatedHosts:Hosts:{number}").AsEnumerable(makePathsRelative: true)
                .Where(kv => kv.Value is not null));
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.AddHostAgent();

        var host = builder.Build();
        await RegisterWithHgsAsync(host.Services.GetRequiredService<IHostHealth>(), hgs, ct);
        await host.StartAsync(ct);
        return host;
    }

    private async Task<string> IssueJoinTokenAsync(Uri portal, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var fabric = scope.ServiceProvider.GetRequiredService<FabricAdministration>();
        var issued = await fabric.IssueJoinTokenAsync(1, portal, new AuditActor(null, "simulated fabric", null), ct);
        return issued.Token;
    }

    /// <summary>A host folder whose host is gone from the database (a fresh database, or removed) joins again.</summary>
    private async Task ForgetStaleMembershipAsync(string folder, CancellationToken ct)
    {
        var file = Path.Combine(folder, "fabric", HostCredentialStore.FileName);
        if (!File.Exists(file))
        {
            return;
        }

        HostMembership? membership;
        try
        {
            membership = JsonSerializer.Deserialize<HostMembership>(await File.ReadAllBytesAsync(file, ct), JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            membership = null;
        }

        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        var known = membership is not null
            && await db.GuardedHosts.AnyAsync(h => h.Id == membership.HostId && h.State != HostState.Removed, ct);
        if (!known)
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Registers the host's public identity with HGS through its admin API (the HGS admin's act, done here for the
    /// demo). Without an admin key the host stays unregistered and shows UnauthorizedHost with HGS's reason.
    /// </summary>
    private async Task RegisterWithHgsAsync(IHostHealth health, Uri hgs, CancellationToken ct)
    {
        var adminKey = configuration["Hgs:AdminApiKey"];
        var identity = await health.GetIdentityAsync(ct);
        if (string.IsNullOrEmpty(adminKey))
        {
            logger.LogWarning("Simulated host {HostName} is not registered with HGS: Hgs:AdminApiKey is empty", identity.HostName);
            return;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hgs, HgsRoutes.Admin + "/hosts"))
            {
                Content = JsonContent.Create(identity.ToRegistration()),
            };
            request.Headers.Add(HgsRoutes.AdminKeyHeader, adminKey);
            using var response = await http.CreateClient(HgsAttestationSignerSource.HttpClientName).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
            {
                logger.LogWarning("HGS did not register simulated host {HostName}: {Status}", identity.HostName, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("HGS at {HgsUrl} cannot be reached to register simulated host {HostName}: {Error}",
                hgs, identity.HostName, e.Message);
        }
    }

    /// <summary>An embedded host starts and stops with the portal, not with console signals of its own.</summary>
    private sealed class EmbeddedHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
