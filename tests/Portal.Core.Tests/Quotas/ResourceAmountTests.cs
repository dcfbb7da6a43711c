using Portal.Core.Quotas;

namespace Portal.Core.Tests.Quotas;

public class ResourceAmountTests
{
    [Fact]
    public void Plus_AddsEachDimension()
    {
        var sum = new ResourceAmount(1, 2, 4, 40).Plus(new ResourceAmount(2, 4, 8, 60));

        Assert.Equal(new ResourceAmount(3, 6, 12, 100), sum);
    }

    [Fact]
    public void Minus_SubtractsEachDimension()
    {
        var difference = new ResourceAmount(3, 6, 12, 100).Minus(new ResourceAmount(1, 2, 4, 40));

        Assert.Equal(new ResourceAmount(2, 4, 8, 60), difference);
    }

    [Fact]
    public void Scale_MultipliesEachDimension()
    {
        Assert.Equal(new ResourceAmount(3, 6, 24, 300), new ResourceAmount(1, 2, 8, 100).Scale(3));
    }

    [Fact]
    public void Scale_ByZero_IsZero()
    {
        var scaled = new ResourceAmount(1, 2, 8, 100).Scale(0);

        Assert.Equal(ResourceAmount.Zero, scaled);
        Assert.True(scaled.IsZero);
    }

    [Fact]
    public void Scale_Overflow_ThrowsInsteadOfWrapping()
    {
        Assert.Throws<OverflowException>(() => new ResourceAmount(0, 0, int.MaxValue, 0).Scale(2));
    }

    [Fact]
    public void Sum_AddsAllAmounts()
    {
        var total = ResourceAmount.Sum([new(1, 2, 4, 40), new(1, 4, 8, 60), new(1, 1, 1, 1)]);

        Assert.Equal(new ResourceAmount(3, 7, 13, 101), total);
    }

    [Fact]
    public void Of_ReturnsEachDimension()
    {
        var amount = new ResourceAmount(1, 2, 3, 4);

        Assert.Equal(1, amount.Of(QuotaDimension.Vms));
        Assert.Equal(2, amount.Of(QuotaDimension.Vcpus));
        Assert.Equal(3, amount.Of(QuotaDimension.MemoryGiB));
        Assert.Equal(4, amount.Of(QuotaDimension.StorageGiB));
    }
}
