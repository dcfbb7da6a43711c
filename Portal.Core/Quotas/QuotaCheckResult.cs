namespace Portal.Core.Quotas;

/// <summary>Outcome of <see cref="QuotaCheck.Check"/>: every exceeded dimension, in display order.</summary>
public sealed record QuotaCheckResult(IReadOnlyList<QuotaExceedance> Exceeded)
{
    public bool IsWithinQuota => Exceeded.Count == 0;

    public void ThrowIfExceeded()
    {
        if (!IsWithinQuota)
        {
            throw new QuotaExceededException(Exceeded);
        }
    }
}
