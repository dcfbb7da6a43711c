namespace Portal.Core.Quotas;

/// <summary>One dimension a request would push past its limit, with the numbers a tenant needs to see.</summary>
public sealed record QuotaExceedance(QuotaDimension Dimension, int Limit, int Used, int Requested)
{
    public string Message =>
        $"Quota exceeded for {Dimension.DisplayName()}: limit {Limit}, used {Used}, requested {Requested}.";
}
