namespace Portal.Core.Auditing;

/// <summary>Who did something, and from where.</summary>
public sealed record AuditActor(Guid? UserId, string Name, string? RemoteAddress)
{
    public static AuditActor System { get; } = new(null, "system", null);
}
