namespace Portal.Core.Quotas;

/// <summary>
/// An amount of resources: what a VM or hardware profile consumes, what a tenant uses, or what an add-on adds.
/// Arithmetic is checked, so an overflow throws instead of wrapping to a negative amount.
/// </summary>
public sealed record ResourceAmount(int Vms, int Vcpus, int MemoryGiB, int StorageGiB)
{
    public static ResourceAmount Zero { get; } = new(0, 0, 0, 0);

    public bool IsZero => this == Zero;

    public int Of(QuotaDimension dimension) => dimension switch
    {
        QuotaDimension.Vms => Vms,
        QuotaDimension.Vcpus => Vcpus,
        QuotaDimension.MemoryGiB => MemoryGiB,
        QuotaDimension.StorageGiB => StorageGiB,
    };

    public ResourceAmount Plus(ResourceAmount other) => new(
        checked(Vms + other.Vms),
        checked(Vcpus + other.Vcpus),
        checked(MemoryGiB + other.MemoryGiB),
        checked(StorageGiB + other.StorageGiB));

    public ResourceAmount Minus(ResourceAmount other) => new(
        checked(Vms - other.Vms),
        checked(Vcpus - other.Vcpus),
        checked(MemoryGiB - other.MemoryGiB),
        checked(StorageGiB - other.StorageGiB));

    public ResourceAmount Scale(int count) => new(
        checked(Vms * count),
        checked(Vcpus * count),
        checked(MemoryGiB * count),
        checked(StorageGiB * count));

    public static ResourceAmount Sum(IEnumerable<ResourceAmount> amounts) =>
        amounts.Aggregate(Zero, (total, next) => total.Plus(next));
}
