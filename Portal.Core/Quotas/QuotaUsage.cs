namespace Portal.Core.Quotas;

/// <summary>One quota bar: how much of a dimension is used against its limit.</summary>
public sealed record QuotaUsage(QuotaDimension Dimension, int Used, int? Limit)
{
    /// <summary>From this share of a limit on, the portal warns that little is left.</summary>
    public const int NearLimitPercentage = 80;

    public string DisplayName => Dimension.DisplayName();

    public bool IsUnlimited => Limit is null;

    /// <summary>Used as a whole percentage of the limit, rounded down and capped at 100; null when unlimited.</summary>
    public int? Percentage => Limit switch
    {
        null => null,
        0 => Used > 0 ? 100 : 0,
        int limit => (int)Math.Clamp(100L * Math.Max(Used, 0) / limit, 0, 100),
    };

    /// <summary>What is left before the limit (never negative); null when unlimited.</summary>
    public int? Remaining => Limit is null ? null : Math.Max(Limit.Value - Used, 0);

    /// <summary>True when at least <see cref="NearLimitPercentage"/> of a limit is used (never when unlimited).</summary>
    public bool IsNearLimit => Percentage >= NearLimitPercentage;

    /// <summary>True when a lowered limit leaves more in use than allowed.</summary>
    public bool IsOverLimit => Limit is not null && Used > Limit.Value;

    public static IReadOnlyList<QuotaUsage> For(QuotaLimits effective, ResourceAmount used)
    {
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(used);
        return [.. QuotaDimensionExtensions.All.Select(d => new QuotaUsage(d, used.Of(d), effective.Limit(d)))];
    }
}
