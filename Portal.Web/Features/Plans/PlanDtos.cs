using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Web.Features.Gallery;
using Portal.Web.Infrastructure.Concurrency;

namespace Portal.Web.Features.Plans;

/// <summary>Limits per dimension; null means unlimited.</summary>
public sealed record QuotaDto(int? MaxVms, int? MaxVcpus, int? MaxMemoryGiB, int? MaxStorageGiB)
{
    public static QuotaDto From(QuotaLimits q) => new(q.MaxVms, q.MaxVcpus, q.MaxMemoryGiB, q.MaxStorageGiB);

    public QuotaLimits ToLimits() => QuotaLimits.Create(MaxVms, MaxVcpus, MaxMemoryGiB, MaxStorageGiB);
}

/// <summary>The provider's view of a plan, with how much it is used.</summary>
public sealed record PlanDto(
    Guid Id, string Name, string Description, PlanState State, QuotaDto Quota, bool AllowShieldedVms,
    string? InvitationCode, int? MaxSubscriptionsPerTenant, IReadOnlyList<Guid> TemplateIds,
    IReadOnlyList<Guid> HardwareProfileIds, DateTimeOffset CreatedAt, int SubscriptionCount, ResourceAmount Usage,
    long Version = 0) : IVersionedResource;

/// <summary>What a tenant sees of a public plan; never the invitation code itself.</summary>
public sealed record PublicPlanDto(
    Guid Id, string Name, string Description, QuotaDto Quota, bool AllowShieldedVms, bool RequiresInvitation,
    int? MaxSubscriptionsPerTenant, IReadOnlyList<TemplateDto> Templates, IReadOnlyList<HardwareProfileDto> Sizes);

public sealed record PlanRequest(
    string? Name, string? Description, QuotaDto? Quota, bool AllowShieldedVms, string? InvitationCode,
    int? MaxSubscriptionsPerTenant, IReadOnlyList<Guid>? TemplateIds, IReadOnlyList<Guid>? HardwareProfileIds);

public sealed record ClonePlanRequest(string? Name);
