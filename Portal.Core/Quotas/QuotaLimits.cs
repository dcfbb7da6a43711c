using Portal.Core.Common;

namespace Portal.Core.Quotas;

/// <summary>A plan's limits per dimension; <c>null</c> means unlimited.</summary>
public sealed record QuotaLimits
{
    public const int MaxLimit = 1_000_000;

    // For EF Core, which binds through the private constructor.
    private QuotaLimits(int? maxVms, int? maxVcpus, int? maxMemoryGiB, int? maxStorageGiB)
    {
        MaxVms = maxVms;
        MaxVcpus = maxVcpus;
        MaxMemoryGiB = maxMemoryGiB;
        MaxStorageGiB = maxStorageGiB;
    }

    public static QuotaLimits Unlimited { get; } = new(null, null, null, null);

    public int? MaxVms { get; private init; }

    public int? MaxVcpus { get; private init; }

    public int? MaxMemoryGiB { get; private init; }

    public int? MaxStorageGiB { get; private init; }

    public static QuotaLimits Create(int? maxVms, int? maxVcpus, int? maxMemoryGiB, int? maxStorageGiB) => new(
        Validate(maxVms, nameof(MaxVms)),
        Validate(maxVcpus, nameof(MaxVcpus)),
        Validate(maxMemoryGiB, nameof(MaxMemoryGiB)),
        Validate(maxStorageGiB, nameof(MaxStorageGiB)));

    public int? Limit(QuotaDimension dimension) => dimension switch
    {
        QuotaDimension.Vms => MaxVms,
        QuotaDimension.Vcpus => MaxVcpus,
        QuotaDimension.MemoryGiB => MaxMemoryGiB,
        QuotaDimension.StorageGiB => MaxStorageGiB,
    };

    /// <summary>Adds another set of limits; unlimited on either side stays unlimited.</summary>
    public QuotaLimits Plus(QuotaLimits other) => new(
        Add(MaxVms, other.MaxVms),
        Add(MaxVcpus, other.MaxVcpus),
        Add(MaxMemoryGiB, other.MaxMemoryGiB),
        Add(MaxStorageGiB, other.MaxStorageGiB));

    /// <summary>Raises each limited dimension by an amount (an add-on); unlimited stays unlimited.</summary>
    public QuotaLimits Plus(ResourceAmount extra) => new(
        Add(MaxVms, extra.Vms),
        Add(MaxVcpus, extra.Vcpus),
        Add(MaxMemoryGiB, extra.MemoryGiB),
        Add(MaxStorageGiB, extra.StorageGiB));

    private static int? Validate(int? value, string field) =>
        value is null ? null : Guard.Range(value.Value, field, 0, MaxLimit);

    // Effective limits may exceed MaxLimit once add-ons stack; saturate rather than overflow.
    private static int? Add(int? limit, int? extra) =>
        limit is null || extra is null ? null : (int)Math.Min((long)limit.Value + extra.Value, int.MaxValue);
}
