using Portal.Core.Common;

namespace Portal.Core.Fabric;

/// <summary>What a host offers (capacity) or has handed out to its VMs (used).</summary>
public sealed record HostResources(int Vcpus, int MemoryGiB, int StorageGiB)
{
    public const int MaxVcpus = 4096;
    public const int MaxMemoryGiB = 1 << 20;
    public const int MaxStorageGiB = 1 << 24;

    public static HostResources Zero { get; } = new(0, 0, 0);

    /// <summary>Throws when any amount is negative or beyond what a single host could have.</summary>
    public HostResources Validated(string field)
    {
        Guard.Range(Vcpus, $"{field}.{nameof(Vcpus)}", 0, MaxVcpus);
        Guard.Range(MemoryGiB, $"{field}.{nameof(MemoryGiB)}", 0, MaxMemoryGiB);
        Guard.Range(StorageGiB, $"{field}.{nameof(StorageGiB)}", 0, MaxStorageGiB);
        return this;
    }

    public bool Fits(HostResources request, HostResources capacity) =>
        checked(Vcpus + request.Vcpus) <= capacity.Vcpus
        && checked(MemoryGiB + request.MemoryGiB) <= capacity.MemoryGiB
        && checked(StorageGiB + request.StorageGiB) <= capacity.StorageGiB;

    public HostResources Plus(HostResources other) => new(
        checked(Vcpus + other.Vcpus), checked(MemoryGiB + other.MemoryGiB), checked(StorageGiB + other.StorageGiB));

    public HostResources Minus(HostResources other) => new(
        checked(Vcpus - other.Vcpus), checked(MemoryGiB - other.MemoryGiB), checked(StorageGiB - other.StorageGiB));
}
