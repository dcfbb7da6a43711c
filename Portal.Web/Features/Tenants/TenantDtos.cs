using Portal.Core.Quotas;
using Portal.Core.Tenants;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Infrastructure.Concurrency;

namespace Portal.Web.Features.Tenants;

public sealed record TenantSummaryDto(Guid Id, string Name, TenantState State, DateTimeOffset CreatedAt, int Users);

public sealed record TenantUserDto(Guid Id, string Email, string DisplayName, DateTimeOffset CreatedAt, bool LockedOut);

public sealed record TenantDetailsDto(
    Guid Id, string Name, TenantState State, DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt,
    IReadOnlyList<TenantUserDto> Users, IReadOnlyList<SubscriptionDto> Subscriptions, int LiveVms, ResourceAmount Usage,
    long Version = 0) : IVersionedResource;
