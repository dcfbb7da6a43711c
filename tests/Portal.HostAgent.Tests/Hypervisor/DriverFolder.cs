using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Tests.Hypervisor;

/// <summary>A simulated host in a temporary data folder, with zero step timings unless a test asks otherwise.</summary>
public sealed class DriverFolder : IDisposable
{
    public DriverFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hostagent-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public static HostResources Capacity { get; } = new(8, 32, 200);

    public SimulatedHypervisorDriver Driver(SimulatedHypervisorOptions? options = null, TimeProvider? time = null, string? folder = null) => new(
        Options.Create(new HostAgentOptions
        {
            DataFolder = folder ?? Path,
            Capacity = new HostCapacityOptions { Vcpus = Capacity.Vcpus, MemoryGiB = Capacity.MemoryGiB, StorageGiB = Capacity.StorageGiB },
        }),
        Options.Create(options ?? new SimulatedHypervisorOptions
        {
            CreateDelay = TimeSpan.Zero,
            StartDelay = TimeSpan.Zero,
            StopDelay = TimeSpan.Zero,
            DiskChunkSize = 1024,
        }),
        time ?? TimeProvider.System,
        NullLogger<SimulatedHypervisorDriver>.Instance);

    /// <summary>Writes a template disk file into the folder.</summary>
    public TemplateFile Template(byte[] content)
    {
        var path = System.IO.Path.Combine(Path, $"template-{Guid.NewGuid():N}.disk");
        File.WriteAllBytes(path, content);
        return new TemplateFile(path, Convert.ToHexString(System.Security.Cryptography.SHA384.HashData(content)));
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

public sealed record TemplateFile(string Path, string Sha384);

public static class TemplateFileDriverExtensions
{
    public static Task<VmInfo> CreateAsync(this IHypervisorDriver driver, VmDefinition vm, TemplateFile template, ReadOnlyMemory<byte> key, CancellationToken ct) =>
        driver.CreateAsync(vm, template.Path, template.Sha384, key, ct);
}
