using Portal.Core.Quotas;

namespace Portal.Core.Tests.Quotas;

public sealed class QuotaUsageNearLimitTests
{
    [Theory]
    [InlineData(7, 10, false)]
    [InlineData(8, 10, true)]
    [InlineData(12, 10, true)]
    [InlineData(0, 0, false)]
    public void IsNearLimit_FromEightyPercent(int used, int limit, bool expected) =>
        Assert.Equal(expected, new QuotaUsage(QuotaDimension.Vcpus, used, limit).IsNearLimit);

    [Fact]
    public void IsNearLimit_NeverWhenUnlimited() =>
        Assert.False(new QuotaUsage(QuotaDimension.Vms, 1000, null).IsNearLimit);
}
