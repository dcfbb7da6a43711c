using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Quotas;

namespace Portal.Core.Tests.Gallery;

public class HardwareProfileTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_KeepsValuesAndTrimsName()
    {
        var profile = HardwareProfile.Create("  Medium ", 4, 16, 127, "General purpose", Now);

        Assert.NotEqual(Guid.Empty, profile.Id);
        Assert.Equal("Medium", profile.Name);
        Assert.Equal(4, profile.Vcpus);
        Assert.Equal(16, profile.MemoryGiB);
        Assert.Equal(127, profile.DiskGiB);
        Assert.Equal("General purpose", profile.Description);
        Assert.Equal(Now, profile.CreatedAt);
    }

    [Fact]
    public void ToAmount_IsOneVmWithTheProfilesResources()
    {
        var profile = HardwareProfile.Create("Large", 8, 32, 256, null, Now);

        Assert.Equal(new ResourceAmount(1, 8, 32, 256), profile.ToAmount());
    }

    [Theory]
    [InlineData("", 2, 4, 64, "Name")]
    [InlineData("Small", 0, 4, 64, "Vcpus")]
    [InlineData("Small", 65, 4, 64, "Vcpus")]
    [InlineData("Small", 2, 0, 64, "MemoryGiB")]
    [InlineData("Small", 2, 1025, 64, "MemoryGiB")]
    [InlineData("Small", 2, 4, 0, "DiskGiB")]
    [InlineData("Small", 2, 4, 65537, "DiskGiB")]
    public void Create_InvalidValue_NamesTheField(string name, int vcpus, int memory, int disk, string field)
    {
        var ex = Assert.Throws<DomainValidationException>(() => HardwareProfile.Create(name, vcpus, memory, disk, null, Now));

        Assert.Equal(field, Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_Boundaries_AreAccepted()
    {
        var smallest = HardwareProfile.Create("Tiny", 1, 1, 1, null, Now);
        var largest = HardwareProfile.Create("Huge", 64, 1024, 65536, null, Now);

        Assert.Equal(new ResourceAmount(1, 1, 1, 1), smallest.ToAmount());
        Assert.Equal(new ResourceAmount(1, 64, 1024, 65536), largest.ToAmount());
    }

    [Fact]
    public void Update_ChangesSize()
    {
        var profile = HardwareProfile.Create("Small", 2, 4, 64, null, Now);

        profile.Update("Small v2", 2, 8, 128, "more memory");

        Assert.Equal(new ResourceAmount(1, 2, 8, 128), profile.ToAmount());
        Assert.Equal("Small v2", profile.Name);
    }
}
