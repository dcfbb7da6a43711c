namespace Portal.Bench;

/// <summary>B4: shielding data upload and validation against raw AES-GCM.</summary>
internal static class UploadBench
{
    public static Task RunAsync(BenchOptions options, CancellationToken ct) =>
        throw new NotImplementedException("UploadBench is not written yet.");
}
