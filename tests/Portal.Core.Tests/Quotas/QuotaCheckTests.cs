using Portal.Core.Common;
using Portal.Core.Quotas;

namespace Portal.Core.Tests.Quotas;

public class QuotaCheckTests
{
    private static readonly QuotaLimits Limits = QuotaLimits.Create(maxVms: 4, maxVcpus: 8, maxMemoryGiB: 32, maxStorageGiB: 500);

    [Fact]
    public void Check_WithinEveryLimit_IsWithinQuota()
    {
        var result = QuotaCheck.Check(Limits, new ResourceAmount(2, 4, 16, 200), new ResourceAmount(1, 2, 8, 100));

        Assert.True(result.IsWithinQuota);
        Assert.Empty(result.Exceeded);
    }

    [Fact]
    public void Check_ExactlyReachingTheLimit_IsWithinQuota()
    {
        var result = QuotaCheck.Check(Limits, new ResourceAmount(3, 6, 24, 400), new ResourceAmount(1, 2, 8, 100));

        Assert.True(result.IsWithinQuota);
    }

    [Fact]
    public void Check_VcpusOverLimit_ReportsLimitUsedRequested()
    {
        var result = QuotaCheck.Check(Limits, new ResourceAmount(1, 6, 4, 40), new ResourceAmount(1, 4, 4, 40));

        Assert.False(result.IsWithinQuota);
        var exceeded = Assert.Single(result.Exceeded);
        Assert.Equal(new QuotaExceedance(QuotaDimension.Vcpus, Limit: 8, Used: 6, Requested: 4), exceeded);
    }

    [Fact]
    public void Check_SeveralDimensionsOver_ReportsEveryOneInOrder()
    {
        var result = QuotaCheck.Check(Limits, new ResourceAmount(4, 6, 30, 40), new ResourceAmount(1, 4, 4, 40));

        Assert.Equal(
            [QuotaDimension.Vms, QuotaDimension.Vcpus, QuotaDimension.MemoryGiB],
            result.Exceeded.Select(e => e.Dimension));
    }

    [Fact]
    public void Check_UnlimitedDimension_IsNeverExceeded()
    {
        var limits = QuotaLimits.Create(null, null, null, 10);

        var result = QuotaCheck.Check(limits, new ResourceAmount(900, 9000, 90000, 5), new ResourceAmount(100, 64, 1024, 5));

        Assert.True(result.IsWithinQuota);
    }

    [Fact]
    public void Check_ZeroLimit_RefusesAnyRequest()
    {
        var limits = QuotaLimits.Create(0, null, null, null);

        var result = QuotaCheck.Check(limits, ResourceAmount.Zero, new ResourceAmount(1, 1, 1, 1));

        Assert.Equal(new QuotaExceedance(QuotaDimension.Vms, 0, 0, 1), Assert.Single(result.Exceeded));
    }

    [Fact]
    public void Check_AlreadyOverLoweredLimit_DimensionNotRequested_IsNotReported()
    {
        // The plan's vCPU limit was lowered below current use; a request adding no vCPUs still fits.
        var result = QuotaCheck.Check(Limits, new ResourceAmount(1, 12, 4, 40), new ResourceAmount(0, 0, 0, 50));

        Assert.True(result.IsWithinQuota);
    }

    [Fact]
    public void Check_WithAddOnRaisedLimit_FitsWhereThePlanAloneWouldNot()
    {
        var used = new ResourceAmount(1, 6, 4, 40);
        var requested = new ResourceAmount(1, 4, 4, 40);

        Assert.False(QuotaCheck.Check(Limits, used, requested).IsWithinQuota);
        Assert.True(QuotaCheck.Check(Limits.Plus(new ResourceAmount(0, 2, 0, 0)), used, requested).IsWithinQuota);
    }

    [Fact]
    public void EnsureWithinQuota_Exceeded_ThrowsWithNumbersOfFirstDimensionAndKeepsAll()
    {
        var ex = Assert.Throws<QuotaExceededException>(() =>
            QuotaCheck.EnsureWithinQuota(Limits, new ResourceAmount(1, 6, 30, 40), new ResourceAmount(1, 4, 4, 40)));

        Assert.Equal("Quota exceeded for vCPUs: limit 8, used 6, requested 4.", ex.Message);
        Assert.Equal(QuotaDimension.Vcpus, ex.Dimension);
        Assert.Equal(8, ex.Limit);
        Assert.Equal(6, ex.Used);
        Assert.Equal(4, ex.Requested);
        Assert.Equal([QuotaDimension.Vcpus, QuotaDimension.MemoryGiB], ex.Exceeded.Select(e => e.Dimension));
        Assert.IsAssignableFrom<DomainException>(ex);
    }

    [Fact]
    public void EnsureWithinQuota_Within_DoesNotThrow()
    {
        var ex = Record.Exception(() =>
            QuotaCheck.EnsureWithinQuota(Limits, ResourceAmount.Zero, new ResourceAmount(1, 8, 32, 500)));

        Assert.Null(ex);
    }

    [Fact]
    public void QuotaExceededException_WithoutExceedances_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new QuotaExceededException([]));
    }
}
