namespace Portal.Core.Quotas;

/// <summary>Decides whether a request fits a subscription's effective quota.</summary>
public static class QuotaCheck
{
    /// <summary>
    /// Reports each dimension where <paramref name="used"/> + <paramref name="requested"/> passes its limit.
    /// A dimension the request does not grow is never reported, so a tenant already over a lowered limit
    /// can still do things that do not add to it.
    /// </summary>
    public static QuotaCheckResult Check(QuotaLimits effective, ResourceAmount used, ResourceAmount requested)
    {
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(used);
        ArgumentNullException.ThrowIfNull(requested);

        var exceeded = new List<QuotaExceedance>();
        foreach (var dimension in QuotaDimensionExtensions.All)
        {
            var limit = effective.Limit(dimension);
            var usedValue = used.Of(dimension);
            var requestedValue = requested.Of(dimension);
            if (limit is not null && requestedValue > 0 && (long)usedValue + requestedValue > limit.Value)
            {
                exceeded.Add(new QuotaExceedance(dimension, limit.Value, usedValue, requestedValue));
            }
        }

        return new QuotaCheckResult(exceeded);
    }

    public static void EnsureWithinQuota(QuotaLimits effective, ResourceAmount used, ResourceAmount requested) =>
        Check(effective, used, requested).ThrowIfExceeded();
}
