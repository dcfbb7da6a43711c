using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Web.Infrastructure.Concurrency;

namespace Portal.Web.Features.Subscriptions;

public sealed record HeldAddOnDto(Guid AddOnId, string Name, int Count, ResourceAmount ExtraEach);

/// <summary>An add-on the subscription's plan offers, with how many the subscription holds already.</summary>
public sealed record AvailableAddOnDto(
    Guid Id, string Name, string Description, ResourceAmount Extra, int MaxPerSubscription, int Held, PlanState State);

/// <summary>A subscription with its effective quota and live usage per dimension (one quota bar each).</summary>
public sealed record SubscriptionDto(
    Guid Id, Guid TenantId, string TenantName, Guid PlanId, string PlanName, string DisplayName, SubscriptionState State,
    DateTimeOffset CreatedAt, DateTimeOffset StateChangedAt, IReadOnlyList<HeldAddOnDto> AddOns,
    IReadOnlyList<QuotaUsage> Quota, IReadOnlyList<AvailableAddOnDto> AvailableAddOns, long Version = 0) : IVersionedResource;

public sealed record SubscribeRequest(Guid PlanId, string? DisplayName, string? InvitationCode);

public sealed record AdminSubscribeRequest(Guid TenantId, Guid PlanId, string? DisplayName);

public sealed record AddAddOnRequest(Guid AddOnId);
