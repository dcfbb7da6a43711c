using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Auditing;
using Portal.Core.Shielding.DataFiles;
using Portal.Data;
using Portal.Web.Features.ShieldingData;

namespace Portal.Bench;

/// <summary>One BenchmarkDotNet result: a method on one file kind, mean time and the file's size.</summary>
public sealed record SingleThreadResult(string Method, string File, int Bytes, double MeanNs)
{
    public double MBps => Bytes / MeanNs * 1e9 / 1e6;
}

/// <summary>
/// B4: shielding data upload and validation against raw AES-GCM over the same number of bytes, same run. First, one
/// thread under BenchmarkDotNet (in-process toolchain): AES-256-GCM, the validation an upload runs, and its parts. Then,
/// with the bench's load generator and its N workers on the real portal: raw AES-GCM again (the baseline), the
/// validation, the upload use case in-process (validation + database, no HTTP) and <c>POST /api/v1/shielding-data</c>.
/// Each for a typical file and for the largest a tenant can make under the 1 MiB limit. MB/s are file bytes (10⁶).
/// </summary>
internal static class UploadBench
{
    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        var loadBefore = MachineCpu.LoadAverage();
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        var files = new[] { BenchShieldingFiles.Make(BenchShieldingFiles.Typical), BenchShieldingFiles.Make(BenchShieldingFiles.Largest) };
        CheckSignatureShortcut();

        // BenchmarkDotNet and the embedded portal write progress on stdout; stdout carries only the results.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        IReadOnlyList<SingleThreadResult> singleThread;
        var loaded = new List<(BenchShieldingFile File, Measurement Result, Measurement Baseline)>();
        try
        {
            Progress("BenchmarkDotNet: AES-GCM and the validation, one thread (in-process toolchain, short run)");
            singleThread = RunBenchmarkDotNet(files);
            await RunUnderLoadAsync(options, files, loaded, ct);
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var busyAfter = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores ({MachineCpu.Model()}) · {RuntimeInformation.OSDescription} · .NET {Environment.Version} · AES-NI {System.Runtime.Intrinsics.X86.Aes.IsSupported} · {options.Concurrency} workers, {options.Warmup.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s per row"));
        Console.WriteLine(Invariant(
            $"files: typical {files[0].Bytes.Length:N0} bytes, largest {files[1].Bytes.Length:N0} bytes (limit {ShieldingDataService.MaxFileBytes:N0}) · CPU busy before start {busyBefore:0}%, load average {loadBefore} · CPU busy at the end {busyAfter:0}%"));
        Console.WriteLine();
        Console.Write(Render(singleThread, loaded));
    }

    private static IReadOnlyList<SingleThreadResult> RunBenchmarkDotNet(IReadOnlyList<BenchShieldingFile> files)
    {
        var artifacts = Path.Combine(Path.GetTempPath(), $"portal-bench-bdn-{Guid.NewGuid():N}");
        try
        {
            var config = ManualConfig.CreateEmpty()
                .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
                .AddLogger(ConsoleLogger.Default)
                .AddColumnProvider(DefaultColumnProviders.Instance)
                .WithArtifactsPath(artifacts)
                .WithOption(ConfigOptions.DisableLogFile, true);
            var summary = BenchmarkRunner.Run<UploadValidationBenchmarks>(config);
            return [.. summary.Reports
                .Where(r => r.ResultStatistics is not null)
                .Select(r =>
                {
                    var file = (string)r.BenchmarkCase.Parameters[nameof(UploadValidationBenchmarks.File)];
                    var bytes = files.Single(f => f.Kind == file).Bytes.Length;
                    return new SingleThreadResult(r.BenchmarkCase.Descriptor.WorkloadMethod.Name, file, bytes, r.ResultStatistics!.Mean);
                })];
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }
    }

    private static async Task RunUnderLoadAsync(
        BenchOptions options, IReadOnlyList<BenchShieldingFile> files, List<(BenchShieldingFile, Measurement, Measurement)> loaded, CancellationToken ct)
    {
        Progress("starting the portal on a fresh database (migrations run now)");
        await using var portal = new BenchPortal(options.ServerConnectionString);
        var address = portal.Start();
        var setup = new PortalSetup(address);
        var offer = await setup.CreateOfferAsync(ct);
        var tenant = await setup.CreateTenantAsync("uploader", offer.PlanId, subscriptions: 1, ct);
        var (tenantId, userId) = await TenantOfAsync(portal, tenant.Email, ct);
        var actor = new AuditActor(userId, tenant.Email, "127.0.0.1");

        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = address,
        };
        var runner = new LoadRunner(options.Concurrency, options.Warmup, options.Duration);
        foreach (var file in files)
        {
            var baseline = await MeasureAsync(runner, $"{file.Kind}: raw AES-256-GCM encrypt, same bytes", RawAesGcm(file, options.Concurrency), ct);
            loaded.Add((file, baseline, baseline));
            loaded.Add((file, await MeasureAsync(runner, $"{file.Kind}: validation in-process (ShieldingDataFile.Read)", Validation(file), ct), baseline));
            loaded.Add((file, await MeasureAsync(runner, $"{file.Kind}: ShieldingDataService.UploadAsync in-process (validation + database, no HTTP)",
                ServiceUpload(portal, file, tenantId, actor), ct), baseline));
            loaded.Add((file, await MeasureAsync(runner, $"{file.Kind}: POST /api/v1/shielding-data (HTTP, multipart)",
                HttpUpload(client, tenant.BearerToken, file), ct), baseline));
        }
    }

    private static BenchOperation RawAesGcm(BenchShieldingFile file, int concurrency)
    {
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => (Aes: new AesGcm(RandomNumberGenerator.GetBytes(32), 16), Output: new byte[file.Bytes.Length], Tag: new byte[16]))
            .ToArray();
        var nonce = RandomNumberGenerator.GetBytes(12);
        return (worker, _, _) =>
        {
            var (aes, output, tag) = workers[worker];
            aes.Encrypt(nonce, file.Bytes, output, tag);
            return Task.FromResult<string?>(null);
        };
    }

    private static BenchOperation Validation(BenchShieldingFile file) => (_, _, _) =>
        Task.FromResult(ShieldingDataFile.Read(file.Bytes).Metadata.FileLength == file.Bytes.Length ? null : "wrong length read back");

    private static BenchOperation ServiceUpload(BenchPortal portal, BenchShieldingFile file, Guid tenantId, AuditActor actor) =>
        async (_, sequence, ct) =>
        {
            using var scope = portal.Services.CreateScope();
            await using var content = new MemoryStream(file.Bytes, writable: false);
            await scope.ServiceProvider.GetRequiredService<ShieldingDataService>()
                .UploadAsync(tenantId, $"in-process {file.Kind} {sequence}", null, content, actor, ct);
            return null;
        };

    private static BenchOperation HttpUpload(HttpClient client, string bearerToken, BenchShieldingFile file) =>
        async (_, sequence, ct) =>
        {
            var content = new ByteArrayContent(file.Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/shielding-data")
            {
                Content = new MultipartFormDataContent
                {
                    { content, "file", "bench.pdk" },
                    { new StringContent($"http {file.Kind} {sequence}"), "friendlyName" },
                },
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
            using var response = await client.SendAsync(request, ct);
            return response.StatusCode == HttpStatusCode.Created
                ? null
                : $"POST /api/v1/shielding-data: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        };

    private static async Task<(Guid TenantId, Guid UserId)> TenantOfAsync(BenchPortal portal, string email, CancellationToken ct)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email, ct);
        return (user.TenantId!.Value, user.Id);
    }

    /// <summary>The single-thread breakdown checks the owner signature itself: it must verify as the validation's does.</summary>
    private static void CheckSignatureShortcut()
    {
        var benchmarks = new UploadValidationBenchmarks { File = BenchShieldingFiles.Typical };
        benchmarks.Setup();
        try
        {
            if (!benchmarks.VerifyOwnerSignature())
            {
                throw new InvalidOperationException("The benchmark's owner signature check does not verify a valid file.");
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    private static string Render(IReadOnlyList<SingleThreadResult> singleThread, IReadOnlyList<(BenchShieldingFile File, Measurement Result, Measurement Baseline)> loaded)
    {
        var text = new StringBuilder();
        text.AppendLine("BenchmarkDotNet (one thread, in-process toolchain, ShortRun):");
        text.AppendLine();
        text.AppendLine("| File | Operation | mean µs | MB/s | MB/s vs AES-GCM encrypt |");
        text.AppendLine("|---|---|--:|--:|--:|");
        foreach (var group in singleThread.GroupBy(r => r.File))
        {
            var baseline = group.Single(r => r.Method == nameof(UploadValidationBenchmarks.AesGcmEncrypt));
            foreach (var row in group.OrderBy(r => Array.IndexOf([.. UploadValidationBenchmarks.Labels.Keys], r.Method)))
            {
                text.AppendLine(Invariant(
                    $"| {row.File} ({row.Bytes:N0} B) | {UploadValidationBenchmarks.Labels[row.Method]} | {row.MeanNs / 1000:N1} | {row.MBps:N0} | {(row == baseline ? "baseline" : Ratio(row.MBps / baseline.MBps))} |"));
            }
        }

        text.AppendLine();
        text.AppendLine("Under load (the bench's load generator, same run):");
        text.AppendLine();
        text.AppendLine("| Benchmark | ops/s | MB/s | p50 ms | p99 ms | failed | MB/s vs raw AES-GCM |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var (file, result, baseline) in loaded)
        {
            var mbps = result.PerSecond * file.Bytes.Length / 1e6;
            var baselineMbps = baseline.PerSecond * file.Bytes.Length / 1e6;
            text.AppendLine(Invariant(
                $"| {result.Name} | {result.PerSecond:N0} | {mbps:N1} | {result.P50Ms:0.000} | {result.P99Ms:0.000} | {result.Failed} | {(ReferenceEquals(result, baseline) ? "baseline" : Ratio(mbps / baselineMbps))} |"));
        }

        return text.ToString();
    }

    private static async Task<Measurement> MeasureAsync(LoadRunner runner, string name, BenchOperation operation, CancellationToken ct)
    {
        Progress(name);
        var result = await runner.RunAsync(name, operation, ct);
        Progress(Invariant($"  {result.PerSecond:N0} ops/s, p50 {result.P50Ms:0.000} ms, p99 {result.P99Ms:0.000} ms, {result.Failed} failed"));
        if (result.FirstError is { } error)
        {
            Progress($"  first failure: {error}");
        }

        return result;
    }

    private static string Ratio(double value) => Invariant($"{value:0.000}×");

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
