using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Features.Fabric;
using Portal.Core.VirtualMachines;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.FabricAgents;

/// <summary>The agent side of the fabric: hosts joining with a one-time token, and their heartbeats.</summary>
public sealed class FabricMembership(
    IDbContextFactory<PortalDbContext> dbFactory,
    IAttestationSignerSource signer,
    IChangeFeed changes,
    IOptions<FabricOptions> fabric,
    TimeProvider time,
    ILogger<FabricMembership> logger)
{
    /// <summary>
    /// Spends the join token and creates the host. Returns null for an unknown token; a used or expired one is a
    /// conflict. Two joins racing with one token: exactly one wins.
    /// </summary>
    public async Task<JoinResponse?> JoinAsync(JoinRequest request, string? remoteAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!FabricSecret.LooksLike(request.JoinToken, FabricSecret.JoinTokenMarker))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var hash = FabricSecret.Hash(request.JoinToken);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.HostJoinTokens.AsNoTracking().SingleOrDefaultAsync(t => t.SecretHash == hash, ct);
        if (token is null)
        {
            return null;
        }

        var (host, credential) = GuardedHost.Join(
            token, request.HostName, request.Capacity ?? HostResources.Zero, request.AgentVersion, request.TransportPublicKey, now);
        if (await db.GuardedHosts.AnyAsync(h => h.Name == host.Name && h.State != HostState.Removed, ct))
        {
            throw new StateConflictException($"A host named '{host.Name}' is already in the fabric.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.GuardedHosts.Add(host);
        db.AuditEntries.Add(AuditEntry.Record(
            new AuditActor(null, $"host:{host.Name}", remoteAddress), "fabric.host-joined", $"host:{host.Id} ({host.Name})", null, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            throw new StateConflictException($"A host named '{host.Name}' is already in the fabric.");
        }

        // The token is spent by a conditional update, so of two joins racing with it only one commits.
        var spent = await db.HostJoinTokens
            .Where(t => t.Id == token.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.HostId, host.Id), ct);
        if (spent != 1)
        {
            throw new StateConflictException("This join token has already been used.");
        }

        await transaction.CommitAsync(ct);
        logger.LogInformation("Host {HostName} ({HostId}) joined the fabric", host.Name, host.Id);
        await changes.PublishAsync(PortalChange.Host(host.Id));
        return new JoinResponse(host.Id, host.Name, credential);
    }

    /// <summary>
    /// Records a heartbeat of the authenticated host. The host's reported attestation is checked: a Passed counts only
    /// with a health certificate that verifies against HGS's signer and is bound to this host.
    /// </summary>
    public async Task<HeartbeatResponse> HeartbeatAsync(Guid hostId, HeartbeatRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var host = await db.GuardedHosts.SingleOrDefaultAsync(h => h.Id == hostId, ct)
            ?? throw new NotFoundException("Host", hostId);

        var vms = request.Vms ?? [];
        var now = time.GetUtcNow();
        var wasSilent = host.IsHeartbeatStale(now, fabric.Value.HeartbeatStaleAfter);
        var reported = host.RecordHeartbeat(new HostHeartbeatFacts(
            request.Capacity ?? HostResources.Zero,
            request.Used ?? HostResources.Zero,
            vms.Count,
            vms.Count(v => v.State == VmPowerState.Running),
            request.AgentVersion,
            request.Hypervisor,
            request.Tpm), now);

        var keyMatches = host.PinTransportKey(request.Attestation?.TransportPublicKey);
        var signerKey = request.Attestation?.Status == AttestationStatus.Passed ? await signer.GetAsync(ct) : null;
        var previous = (host.AttestationStatus, host.AttestationSubStatus);
        var finding = HeartbeatAttestation.Evaluate(host, request.Attestation, keyMatches, signerKey, now);
        var attested = host.RecordAttestation(finding, now);
        if (previous != (host.AttestationStatus, host.AttestationSubStatus))
        {
            db.AuditEntries.Add(AuditEntry.Record(
                new AuditActor(null, $"host:{host.Name}", null), "fabric.host-attestation-changed",
                $"host:{host.Id} ({host.Name}): {host.AttestationStatus} {host.AttestationSubStatus}", null, now));
            logger.LogInformation(
                "Host {HostName} attestation is now {Status} ({SubStatus})", host.Name, host.AttestationStatus, host.AttestationSubStatus);
        }

        await db.SaveChangesAsync(ct);
        if (wasSilent || reported || attested)
        {
            // A beat that only says "still here" wakes no one: the Fabric page reloads on its own tick.
            await changes.PublishAsync(PortalChange.Host(host.Id));
        }

        var strays = await StrayVmsAsync(db, host, vms, ct);
        foreach (var stopped in await ObservePowerStatesAsync(host, vms, now, ct))
        {
            await changes.PublishAsync(new PortalChange(ChangeKind.VirtualMachine, stopped.Id, stopped.TenantId));
        }

        return new HeartbeatResponse(host.State, host.AttestationStatus, host.AttestationSubStatus, host.AttestationReason, now, strays);
    }

    /// <summary>The reported VMs this host should let go of. VMs the portal never knew are left alone.</summary>
    private async Task<IReadOnlyList<Guid>> StrayVmsAsync(PortalDbContext db, GuardedHost host, IReadOnlyList<VmReport> reported, CancellationToken ct)
    {
        var ids = reported.Select(v => v.VmId).Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var known = await db.VirtualMachines.AsNoTracking().Where(v => ids.Contains(v.Id)).ToListAsync(ct);
        var strays = known.Where(v => v.IsStrayOn(host.Id)).Select(v => v.Id).ToList();
        if (strays.Count > 0)
        {
            logger.LogWarning("Host {HostName} holds {Count} VM(s) that were deleted or live elsewhere; it is told to remove them", host.Name, strays.Count);
        }

        return strays;
    }

    /// <summary>VMs of this host that it reports Off while the portal has them Running, outside any job, become Stopped.</summary>
    private async Task<IReadOnlyList<VirtualMachine>> ObservePowerStatesAsync(
        GuardedHost host, IReadOnlyList<VmReport> reported, DateTimeOffset now, CancellationToken ct)
    {
        var reports = reported.Where(v => v.State is VmPowerState.Off or VmPowerState.Crashed)
            .GroupBy(v => v.VmId).ToDictionary(g => g.Key, g => g.First());
        var off = reports.Keys.ToList();
        if (off.Count == 0)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var busy = db.Jobs.Unfinished().Select(j => j.VmId);
        var vms = await db.VirtualMachines
            .Where(v => off.Contains(v.Id) && v.HostId == host.Id && v.State == VmState.Running && !busy.Contains(v.Id))
            .ToListAsync(ct);
        var stopped = vms.Where(v => v.ObservePowerState(reports[v.Id].State, now)).ToList();
        foreach (var vm in stopped)
        {
            var report = reports[vm.Id];
            db.AuditEntries.Add(report.State == VmPowerState.Crashed
                ? AuditEntry.Record(new AuditActor(null, $"host:{host.Name}", null), "vm.crashed-on-host",
                    $"vm:{vm.Id} ({vm.Name}) crashed on its host: {Guard.OneLine(report.Fault, 200, "its hypervisor stopped without a guest shutdown")}", vm.TenantId, now)
                : AuditEntry.Record(new AuditActor(null, $"host:{host.Name}", null), "vm.stopped-on-host",
                    $"vm:{vm.Id} ({vm.Name}) is off on its host", vm.TenantId, now));
        }

        await db.SaveChangesAsync(ct);
        return stopped;
    }
}
