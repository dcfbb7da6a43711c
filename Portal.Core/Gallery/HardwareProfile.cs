using Portal.Core.Common;
using Portal.Core.Quotas;

namespace Portal.Core.Gallery;

/// <summary>A VM size offered by plans: vCPUs, memory and disk. Name uniqueness is enforced by the database.</summary>
public sealed class HardwareProfile : IVersioned
{
    public const int NameMaxLength = 64;
    public const int DescriptionMaxLength = 500;
    public const int MaxVcpus = 64;
    public const int MaxMemoryGiB = 1024;
    public const int MaxDiskGiB = 65536;

    private HardwareProfile()
    {
    }

    public Guid Id { get; private set; }

    public long Version { get; private set; }

    public string Name { get; private set; } = "";

    public string Description { get; private set; } = "";

    public int Vcpus { get; private set; }

    public int MemoryGiB { get; private set; }

    public int DiskGiB { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static HardwareProfile Create(
        string name, int vcpus, int memoryGiB, int diskGiB, string? description, DateTimeOffset now)
    {
        var profile = new HardwareProfile { Id = Guid.CreateVersion7(now), CreatedAt = now };
        profile.Update(name, vcpus, memoryGiB, diskGiB, description);
        return profile;
    }

    public void Update(string name, int vcpus, int memoryGiB, int diskGiB, string? description)
    {
        Name = Guard.Text(name, nameof(Name), 1, NameMaxLength);
        Vcpus = Guard.Range(vcpus, nameof(Vcpus), 1, MaxVcpus);
        MemoryGiB = Guard.Range(memoryGiB, nameof(MemoryGiB), 1, MaxMemoryGiB);
        DiskGiB = Guard.Range(diskGiB, nameof(DiskGiB), 1, MaxDiskGiB);
        Description = Guard.Text(description, nameof(Description), 0, DescriptionMaxLength);
    }

    /// <summary>What one VM of this size counts against quota.</summary>
    public ResourceAmount ToAmount() => new(1, Vcpus, MemoryGiB, DiskGiB);
}
