using Portal.Core.Quotas;

namespace Portal.Core.Tests.Quotas;

public class QuotaDimensionTests
{
    [Theory]
    [InlineData(QuotaDimension.Vms, "virtual machines")]
    [InlineData(QuotaDimension.Vcpus, "vCPUs")]
    [InlineData(QuotaDimension.MemoryGiB, "memory (GiB)")]
    [InlineData(QuotaDimension.StorageGiB, "storage (GiB)")]
    public void DisplayName_IsTheTenantFacingWording(QuotaDimension dimension, string expected)
    {
        Assert.Equal(expected, dimension.DisplayName());
    }

    [Fact]
    public void All_ListsEveryDimensionOnceInDisplayOrder()
    {
        Assert.Equal(
            [QuotaDimension.Vms, QuotaDimension.Vcpus, QuotaDimension.MemoryGiB, QuotaDimension.StorageGiB],
            QuotaDimensionExtensions.All);
        Assert.Equal(Enum.GetValues<QuotaDimension>().Length, QuotaDimensionExtensions.All.Count);
    }
}
