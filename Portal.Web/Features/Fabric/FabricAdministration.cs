using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Fabric;
using Portal.Data;
using Portal.Web.Infrastructure.ChangeFeed;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Fabric;

/// <summary>What a provider admin does with the fabric: see hosts, issue join tokens, drain, maintain, resume, remove.</summary>
public sealed class FabricAdministration(
    IDbContextFactory<PortalDbContext> dbFactory,
    IChangeFeed changes,
    IOptions<FabricOptions> options,
    TimeProvider time)
{
    public enum HostAction
    {
        Drain,
        Maintenance,
        Resume,
        Remove,
    }

    public TimeSpan StaleAfter => options.Value.HeartbeatStaleAfter;

    /// <summary>Hosts in the fabric (removed ones only when asked), by name.</summary>
    public async Task<IReadOnlyList<FabricHostDto>> ListAsync(bool includeRemoved, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hosts = await db.GuardedHosts.AsNoTracking()
            .Where(h => includeRemoved || h.State != HostState.Removed)
            .OrderBy(h => h.Name)
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return [.. hosts.Select(h => h.ToDto(now, StaleAfter))];
    }

    /// <summary>What the host list may be ordered by; by name unless asked.</summary>
    public static readonly SortFields<GuardedHost> Orders = SortFields<GuardedHost>
        .By("name", h => h.Name, h => h.Id).And("state", h => h.State).And("joinedAt", h => h.JoinedAt)
        .And("lastHeartbeatAt", h => h.LastHeartbeatAt).And("attestationStatus", h => h.AttestationStatus);

    public async Task<Page<FabricHostDto>> ListAsync(bool includeRemoved, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var page = await db.GuardedHosts.AsNoTracking()
            .Where(h => includeRemoved || h.State != HostState.Removed)
            .ToPageAsync(list, Orders, ct);
        var now = time.GetUtcNow();
        return page.Select(h => h.ToDto(now, StaleAfter));
    }

    public async Task<FabricHostDto> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var host = await db.GuardedHosts.AsNoTracking().SingleOrDefaultAsync(h => h.Id == id, ct)
            ?? throw new NotFoundException("Host", id);
        return host.ToDto(time.GetUtcNow(), StaleAfter);
    }

    public async Task<JoinTokenDto> GetJoinTokenAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.HostJoinTokens.AsNoTracking()
            .Where(t => t.Id == id)
            .Select(t => new JoinTokenDto(t.Id, t.Prefix, t.CreatedAt, t.ExpiresAt, t.UsedAt, t.HostId))
            .SingleOrDefaultAsync(ct) ?? throw new NotFoundException("Join token", id);
    }

    public async Task<FabricHostDto> ApplyAsync(Guid id, HostAction action, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var host = await db.GuardedHosts.SingleOrDefaultAsync(h => h.Id == id, ct)
            ?? throw new NotFoundException("Host", id);
        var now = time.GetUtcNow();
        var verb = action switch
        {
            HostAction.Drain => Do(host.Drain, "fabric.host-draining"),
            HostAction.Maintenance => Do(host.EnterMaintenance, "fabric.host-maintenance"),
            HostAction.Resume => Do(host.Resume, "fabric.host-resumed"),
            HostAction.Remove => Do(host.Remove, "fabric.host-removed"),
        };
        db.AuditEntries.Add(AuditEntry.Record(actor, verb, $"host:{host.Id} ({host.Name})", null, now));
        await db.SaveChangesAsync(ct);
        await changes.PublishAsync(PortalChange.Host(host.Id));
        return host.ToDto(now, StaleAfter);

        string Do(Action<DateTimeOffset> change, string auditAction)
        {
            change(now);
            return auditAction;
        }
    }

    /// <summary>Issues a one-time join token; the secret is in the answer only.</summary>
    public async Task<IssuedJoinToken> IssueJoinTokenAsync(int expiresInHours, Uri portalAddress, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (token, secret) = HostJoinToken.Issue(TimeSpan.FromHours(expiresInHours), actor.UserId, now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.HostJoinTokens.Add(token);
        db.AuditEntries.Add(AuditEntry.Record(actor, "fabric.join-token-issued", $"join-token:{token.Id} ({token.Prefix}…)", null, now));
        await db.SaveChangesAsync(ct);
        return new IssuedJoinToken(token.Id, secret, token.Prefix, token.ExpiresAt, AgentCommand(portalAddress, secret));
    }

    /// <summary>What to paste on the new host; the agent keeps its credential in its data folder afterwards.</summary>
    public static string AgentCommand(Uri portalAddress, string joinToken) =>
        $"dotnet Portal.HostAgent.dll --HostAgent:PortalUrl={portalAddress.GetLeftPart(UriPartial.Authority)} "
        + $"--HostAgent:JoinToken={joinToken} --HostAgent:HostName=<host name> --HostAgent:DataFolder=/var/lib/tenantportal-agent";
}
