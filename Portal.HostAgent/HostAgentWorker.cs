using System.Net;
using System.Reflection;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent;

/// <summary>
/// The guarded host's main loop: join the fabric once (a one-time token buys a credential kept in the data folder),
/// then beat: capacity, use, VMs and the latest attestation outcome, every interval and at once when attestation
/// changes. It only ever connects out to the portal. A refused credential (host removed) stops the agent.
/// </summary>
internal sealed class HostAgentWorker(
    IOptions<HostAgentOptions> options,
    HostCredentialStore store,
    PortalFabricClient portal,
    IHypervisorDriver hypervisor,
    IHostHealth health,
    StrayVmRemover strays,
    HostAgentStatus status,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<HostAgentWorker> logger) : BackgroundService
{
    public static readonly string AgentVersion = Version();

    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        logger.LogInformation("Host agent {HostName} {Version} starting; portal at {PortalUrl}, data in {DataFolder}",
            settings.HostName, AgentVersion, settings.PortalUrl, Path.GetFullPath(settings.DataFolder));
        try
        {
            var membership = await JoinOnceAsync(settings, stoppingToken);
            if (membership is null)
            {
                lifetime.StopApplication();
                return;
            }

            status.Joined(membership.HostId);
            health.Changed += OnAttestationChanged;
            try
            {
                await BeatAsync(membership, settings, stoppingToken);
            }
            finally
            {
                health.Changed -= OnAttestationChanged;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Host agent {HostName} stopping", settings.HostName);
        }
    }

    private async Task<HostMembership?> JoinOnceAsync(HostAgentOptions settings, CancellationToken ct)
    {
        if (store.Load() is { } existing)
        {
            logger.LogInformation("Host {HostName} is member {HostId} of the fabric", existing.HostName, existing.HostId);
            return existing;
        }

        if (string.IsNullOrWhiteSpace(settings.JoinToken))
        {
            // Not a failure: the host waits to be enrolled, so a supervisor that restarts on failure leaves it stopped.
            return GiveUp("This host has not joined the fabric and HostAgent:JoinToken is empty: "
                + "create a join token on the portal's Fabric page and start the agent with it.", exitCode: 0);
        }

        while (true)
        {
            try
            {
                var joined = await portal.JoinAsync(new JoinRequest(
                    settings.JoinToken.Trim(), settings.HostName, hypervisor.Capacity, AgentVersion,
                    health.TransportPublicKey.ToArray()), ct);
                var membership = new HostMembership(joined.HostId, joined.HostName, settings.PortalUrl, joined.Credential);
                store.Save(membership);
                logger.LogInformation("Joined the fabric as {HostName} ({HostId}); credential kept in {Path}",
                    joined.HostName, joined.HostId, store.Path);
                return membership;
            }
            catch (FabricRefusedException e)
            {
                return GiveUp($"The portal refused the join token ({(int)e.Status}): {e.Detail}");
            }
            catch (HttpRequestException e)
            {
                logger.LogWarning("The portal at {PortalUrl} cannot be reached to join ({Error}); trying again", settings.PortalUrl, e.Message);
                await Task.Delay(settings.RetryInterval, time, ct);
            }
        }
    }

    private async Task BeatAsync(HostMembership membership, HostAgentOptions settings, CancellationToken ct)
    {
        HostStateChange? last = null;
        var unreachable = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var answer = await portal.HeartbeatAsync(membership.Credential, Heartbeat(membership.HostId), ct);
                status.Beat(answer, time.GetUtcNow());
                if (unreachable)
                {
                    logger.LogInformation("The portal at {PortalUrl} answers again", settings.PortalUrl);
                    unreachable = false;
                }

                if (answer.StrayVms is { Count: > 0 } stray)
                {
                    await strays.RemoveAsync(stray, ct);
                }

                var now = new HostStateChange(answer.State, answer.RecordedAttestation);
                if (now != last)
                {
                    logger.LogInformation("Portal: host {HostName} is {State}, attestation recorded as {Attestation}",
                        membership.HostName, answer.State, answer.RecordedAttestation);
                    last = now;
                }
            }
            catch (FabricRefusedException e) when (e.Status == HttpStatusCode.Unauthorized)
            {
                GiveUp($"The portal no longer accepts this host's credential: {e.Detail}");
                lifetime.StopApplication();
                return;
            }
            catch (FabricRefusedException e)
            {
                logger.LogWarning("The portal refused a heartbeat ({Status}): {Detail}", (int)e.Status, e.Detail);
            }
            catch (HttpRequestException e)
            {
                logger.Log(unreachable ? LogLevel.Debug : LogLevel.Warning,
                    "The portal at {PortalUrl} cannot be reached ({Error}); beating again later", settings.PortalUrl, e.Message);
                unreachable = true;
            }

            await _wake.WaitAsync(settings.HeartbeatInterval, ct);
        }
    }

    private HeartbeatRequest Heartbeat(Guid hostId)
    {
        var outcome = health.Current;
        var attestation = outcome is null
            ? null
            : new AttestationReport(outcome.Status, outcome.SubStatus, outcome.Reason, outcome.HealthCertificate,
                health.TransportPublicKey.ToArray());
        var vms = hypervisor.List();
        return new HeartbeatRequest(
            hostId, hypervisor.Capacity, hypervisor.Used, [.. vms.Select(v => new VmReport(v.Id, v.Name, v.State, v.Fault))],
            attestation, AgentVersion, new HypervisorReport(hypervisor.Info.Driver, hypervisor.Info.Acceleration, hypervisor.Info.Version),
            health.TpmDescription);
    }

    private void OnAttestationChanged(Core.Attestation.AttestationOutcome outcome)
    {
        // A new outcome goes to the portal at once rather than at the next beat; one pending wake-up is enough.
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another change already woke the loop.
            }
        }
    }

    private HostMembership? GiveUp(string reason, int exitCode = 2)
    {
        logger.Log(exitCode == 0 ? LogLevel.Warning : LogLevel.Error, "Host agent stops: {Reason}", reason);
        status.Stopped(reason);
        Environment.ExitCode = exitCode;
        return null;
    }

    private static string Version()
    {
        var version = typeof(HostAgentWorker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return (plus > 0 ? version[..plus] : version)[..Math.Min(32, plus > 0 ? plus : version.Length)];
    }

    private sealed record HostStateChange(Core.Fabric.HostState State, Core.Attestation.AttestationStatus Attestation);
}
