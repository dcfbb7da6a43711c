using Portal.Core.Common;

namespace Portal.Core.Quotas;

/// <summary>
/// A request would exceed the subscription's quota. The message and the top-level numbers describe the first
/// exceeded dimension; <see cref="Exceeded"/> lists them all (the web layer answers 409 with the numbers).
/// </summary>
public sealed class QuotaExceededException : DomainException
{
    public QuotaExceededException(IReadOnlyList<QuotaExceedance> exceeded)
        : base(First(exceeded).Message)
    {
        Exceeded = exceeded;
    }

    public IReadOnlyList<QuotaExceedance> Exceeded { get; }

    public QuotaDimension Dimension => Exceeded[0].Dimension;

    public int Limit => Exceeded[0].Limit;

    public int Used => Exceeded[0].Used;

    public int Requested => Exceeded[0].Requested;

    private static QuotaExceedance First(IReadOnlyList<QuotaExceedance> exceeded)
    {
        ArgumentNullException.ThrowIfNull(exceeded);
        return exceeded.Count > 0
            ? exceeded[0]
            : throw new ArgumentException("At least one exceeded dimension is required.", nameof(exceeded));
    }
}
