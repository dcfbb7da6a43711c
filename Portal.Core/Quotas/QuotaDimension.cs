namespace Portal.Core.Quotas;

/// <summary>One resource a plan limits and a VM consumes.</summary>
public enum QuotaDimension
{
    Vms,
    Vcpus,
    MemoryGiB,
    StorageGiB,
}
