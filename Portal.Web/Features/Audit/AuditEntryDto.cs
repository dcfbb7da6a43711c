namespace Portal.Web.Features.Audit;

public sealed record AuditEntryDto(
    long Id, DateTimeOffset At, string ActorName, string Action, string Target, string? RemoteAddress,
    Guid? TenantId, string? TenantName);

public sealed record AuditFilter(string? Search, Guid? TenantId, int Page = 1, int PageSize = 50);
