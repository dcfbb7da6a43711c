namespace Portal.HostAgent.Jobs;

/// <summary>
/// Where template disks come from on this host: the library's disk with the given SHA-384 and size, downloaded (or
/// found in a local cache) and checked. The executor hashes the file again before it builds a VM from it.
/// </summary>
public interface ITemplateDiskSource
{
    /// <summary>The full path of a local file holding the template disk.</summary>
    Task<string> GetVerifiedDiskAsync(string sha384, long sizeBytes, CancellationToken ct);
}
