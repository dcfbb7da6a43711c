using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>A template library that hands out a local file with the given content (by default the real template).</summary>
internal sealed class FakeTemplateDisks(string folder) : ITemplateDiskSource
{
    public byte[] Content { get; set; } = TestShielding.TemplateDisk;

    /// <summary>When set, the fetch waits for it (or for cancellation).</summary>
    public Task? Gate { get; set; }

    public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<string> GetVerifiedDiskAsync(string sha384, long sizeBytes, CancellationToken ct)
    {
        Asked.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.WaitAsync(ct);
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{sha384[..16]}.vhdx");
        await File.WriteAllBytesAsync(path, Content, ct);
        return path;
    }
}
