using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Web.Infrastructure.Concurrency;

namespace Portal.Web.Features.AddOns;

public sealed record AddOnDto(
    Guid Id, string Name, string Description, ResourceAmount Extra, int MaxPerSubscription, PlanState State,
    IReadOnlyList<Guid> PlanIds, DateTimeOffset CreatedAt, int HeldBySubscriptions, long Version = 0) : IVersionedResource;

public sealed record AddOnRequest(
    string? Name, string? Description, ResourceAmount? Extra, int MaxPerSubscription, IReadOnlyList<Guid>? PlanIds);
