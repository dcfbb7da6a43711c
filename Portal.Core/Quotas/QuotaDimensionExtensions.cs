namespace Portal.Core.Quotas;

public static class QuotaDimensionExtensions
{
    /// <summary>All dimensions in the order the portal shows them.</summary>
    public static IReadOnlyList<QuotaDimension> All { get; } =
        [QuotaDimension.Vms, QuotaDimension.Vcpus, QuotaDimension.MemoryGiB, QuotaDimension.StorageGiB];

    /// <summary>The words a tenant reads, e.g. "vCPUs" or "memory (GiB)".</summary>
    public static string DisplayName(this QuotaDimension dimension) => dimension switch
    {
        QuotaDimension.Vms => "virtual machines",
        QuotaDimension.Vcpus => "vCPUs",
        QuotaDimension.MemoryGiB => "memory (GiB)",
        QuotaDimension.StorageGiB => "storage (GiB)",
    };
}
