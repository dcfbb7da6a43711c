using Portal.Core.Quotas;

namespace Portal.Core.Tests.Quotas;

public class QuotaUsageTests
{
    [Fact]
    public void For_GivesOneBarPerDimensionWithUsedAndLimit()
    {
        var usage = QuotaUsage.For(QuotaLimits.Create(4, 8, null, 500), new ResourceAmount(1, 6, 12, 125));

        Assert.Equal(
            [
                new QuotaUsage(QuotaDimension.Vms, 1, 4),
                new QuotaUsage(QuotaDimension.Vcpus, 6, 8),
                new QuotaUsage(QuotaDimension.MemoryGiB, 12, null),
                new QuotaUsage(QuotaDimension.StorageGiB, 125, 500),
            ],
            usage);
        Assert.Equal([25, 75, null, 25], usage.Select(u => u.Percentage));
    }

    [Fact]
    public void Percentage_Unlimited_IsNull()
    {
        var usage = new QuotaUsage(QuotaDimension.Vcpus, 6, null);

        Assert.Null(usage.Percentage);
        Assert.Null(usage.Remaining);
        Assert.True(usage.IsUnlimited);
        Assert.False(usage.IsOverLimit);
    }

    [Fact]
    public void Percentage_RoundsDownSoAlmostFullIsNotShownFull()
    {
        Assert.Equal(99, new QuotaUsage(QuotaDimension.StorageGiB, 999, 1000).Percentage);
        Assert.Equal(33, new QuotaUsage(QuotaDimension.Vms, 1, 3).Percentage);
    }

    [Fact]
    public void Percentage_OverALoweredLimit_IsCappedAt100AndFlagged()
    {
        var usage = new QuotaUsage(QuotaDimension.Vcpus, 12, 8);

        Assert.Equal(100, usage.Percentage);
        Assert.Equal(0, usage.Remaining);
        Assert.True(usage.IsOverLimit);
    }

    [Fact]
    public void Percentage_ZeroLimit_IsZeroWhenUnusedAndFullWhenUsed()
    {
        Assert.Equal(0, new QuotaUsage(QuotaDimension.Vms, 0, 0).Percentage);
        Assert.Equal(100, new QuotaUsage(QuotaDimension.Vms, 1, 0).Percentage);
    }

    [Fact]
    public void Remaining_IsLimitMinusUsed()
    {
        Assert.Equal(2, new QuotaUsage(QuotaDimension.Vcpus, 6, 8).Remaining);
    }

    [Fact]
    public void DisplayName_ComesFromTheDimension()
    {
        Assert.Equal("memory (GiB)", new QuotaUsage(QuotaDimension.MemoryGiB, 1, 2).DisplayName);
    }
}
