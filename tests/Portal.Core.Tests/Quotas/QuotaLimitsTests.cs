using Portal.Core.Common;
using Portal.Core.Quotas;

namespace Portal.Core.Tests.Quotas;

public class QuotaLimitsTests
{
    [Fact]
    public void Create_KeepsEachLimit()
    {
        var limits = QuotaLimits.Create(maxVms: 5, maxVcpus: 16, maxMemoryGiB: 64, maxStorageGiB: null);

        Assert.Equal(5, limits.MaxVms);
        Assert.Equal(16, limits.MaxVcpus);
        Assert.Equal(64, limits.MaxMemoryGiB);
        Assert.Null(limits.MaxStorageGiB);
    }

    [Theory]
    [InlineData(-1, null, null, null, "MaxVms")]
    [InlineData(null, -1, null, null, "MaxVcpus")]
    [InlineData(null, null, -5, null, "MaxMemoryGiB")]
    [InlineData(null, null, null, 1_000_001, "MaxStorageGiB")]
    public void Create_OutOfRange_NamesTheField(int? vms, int? vcpus, int? memory, int? storage, string field)
    {
        var ex = Assert.Throws<DomainValidationException>(() => QuotaLimits.Create(vms, vcpus, memory, storage));

        Assert.Equal(field, Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_ZeroAndMaximum_AreAccepted()
    {
        var limits = QuotaLimits.Create(0, QuotaLimits.MaxLimit, 0, QuotaLimits.MaxLimit);

        Assert.Equal(0, limits.MaxVms);
        Assert.Equal(1_000_000, limits.MaxVcpus);
    }

    [Fact]
    public void Limit_ReturnsTheValueOfEachDimension()
    {
        var limits = QuotaLimits.Create(1, 2, 3, null);

        Assert.Equal(1, limits.Limit(QuotaDimension.Vms));
        Assert.Equal(2, limits.Limit(QuotaDimension.Vcpus));
        Assert.Equal(3, limits.Limit(QuotaDimension.MemoryGiB));
        Assert.Null(limits.Limit(QuotaDimension.StorageGiB));
    }

    [Fact]
    public void Plus_LimitedPlusLimited_AddsEachDimension()
    {
        var sum = QuotaLimits.Create(2, 4, 8, 100).Plus(QuotaLimits.Create(1, 2, 4, 50));

        Assert.Equal(QuotaLimits.Create(3, 6, 12, 150), sum);
    }

    [Fact]
    public void Plus_UnlimitedPlusAnything_StaysUnlimited()
    {
        var sum = QuotaLimits.Create(null, null, 8, 100).Plus(QuotaLimits.Create(1, 2, 4, 50));

        Assert.Null(sum.MaxVms);
        Assert.Null(sum.MaxVcpus);
        Assert.Equal(12, sum.MaxMemoryGiB);
        Assert.Equal(150, sum.MaxStorageGiB);
    }

    [Fact]
    public void Plus_AnythingPlusUnlimited_BecomesUnlimited()
    {
        var sum = QuotaLimits.Create(2, 4, 8, 100).Plus(QuotaLimits.Unlimited);

        Assert.Equal(QuotaLimits.Unlimited, sum);
    }

    [Fact]
    public void Plus_Amount_RaisesLimitedDimensionsAndLeavesUnlimitedAlone()
    {
        var sum = QuotaLimits.Create(2, null, 8, 100).Plus(new ResourceAmount(1, 4, 16, 0));

        Assert.Equal(3, sum.MaxVms);
        Assert.Null(sum.MaxVcpus);
        Assert.Equal(24, sum.MaxMemoryGiB);
        Assert.Equal(100, sum.MaxStorageGiB);
    }

    [Fact]
    public void Plus_HugeValues_SaturateInsteadOfOverflowing()
    {
        var sum = QuotaLimits.Create(QuotaLimits.MaxLimit, 1, 1, 1).Plus(new ResourceAmount(int.MaxValue, 0, 0, 0));

        Assert.Equal(int.MaxValue, sum.MaxVms);
    }
}
