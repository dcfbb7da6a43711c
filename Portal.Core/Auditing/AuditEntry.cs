namespace Portal.Core.Auditing;

/// <summary>One state-changing act by anyone. Append-only: there is no method that changes an entry.</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public long Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    public Guid? ActorId { get; private set; }

    public string ActorName { get; private set; } = "";

    public Guid? TenantId { get; private set; }

    /// <summary>Dotted verb, e.g. <c>tenant.signed-up</c>, <c>api-token.revoked</c>.</summary>
    public string Action { get; private set; } = "";

    public string Target { get; private set; } = "";

    public string? RemoteAddress { get; private set; }

    public static AuditEntry Record(
        AuditActor actor, string action, string target, Guid? tenantId, DateTimeOffset now) => new()
    {
        At = now,
        ActorId = actor.UserId,
        ActorName = actor.Name,
        RemoteAddress = actor.RemoteAddress,
        TenantId = tenantId,
        Action = action,
        Target = target,
    };
}
