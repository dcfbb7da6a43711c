using Portal.Core.Common;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Admin;

/// <summary>What every HGS admin use case shares: its audit line (actor "admin") and its input rule.</summary>
internal static class AdminAudit
{
    public const string Actor = "admin";

    public static void Add(HgsDbContext db, TimeProvider time, string action, string subject, string? detail) =>
        db.Audit.Add(new HgsAuditEntry { At = time.GetUtcNow(), Actor = Actor, Action = action, Subject = subject, Outcome = "Succeeded", Detail = detail });

    public static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw DomainValidationException.For(field, message);
        }
    }
}
