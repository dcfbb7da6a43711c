using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.Store;

namespace Portal.Bench;

/// <summary>What the attestation benchmark measured, for its table.</summary>
public sealed record AttestationResults(
    Measurement Ecdsa, Measurement Rsa, IReadOnlyList<Measurement> Rows, IReadOnlyList<EvidenceStepTime> Steps,
    IReadOnlyList<CapturedCommand> Sql, string SqliteSetup);

/// <summary>
/// TPM-trusted attestation in HGS against raw signature verification, same run, same workers: HGS (the standalone
/// service) on Kestrel over a fresh SQLite store with K software-TPM hosts registered and their AKs activated; then
/// ECDSA P-256 and RSA-2048 verification of a quote-sized message (the baselines), HGS's parsing and cryptography alone,
/// the health certificate's signature, the attestation use case in-process (database included, no HTTP) and
/// <c>POST /hgs/v1/attest</c>. Every attestation needs a fresh single-use nonce: its evidence is built before the timed
/// phases (nonces issued in bulk into HGS's store, a quote by the host's TPM, JSON), so only the verification is timed.
/// </summary>
public sealed class AttestationBench(BenchOptions options)
{
    /// <summary>About the size of a software TPM's quote (TPMS_ATTEST over 9 SHA-256 PCRs).</summary>
    public const int QuoteSize = 145;

    private const int MaxPool = 100_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly LoadRunner _runner = new(options.Concurrency, options.Warmup, options.Duration);

    public async Task<AttestationResults> RunAsync(CancellationToken ct)
    {
        Progress("starting HGS on a fresh SQLite store");
        await using var hgs = new BenchHgs();
        var address = hgs.Start();
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
        using var admin = new HttpClient { BaseAddress = address };
        admin.DefaultRequestHeaders.Add(HgsRoutes.AdminKeyHeader, hgs.AdminKey);

        Progress($"HGS on {address}; registering {options.AttestationHosts} software-TPM hosts and activating their AKs");
        var hosts = Enumerable.Range(1, options.AttestationHosts).Select(i => new BenchTpmHost($"bench-tpm-{i}")).ToList();
        try
        {
            foreach (var host in hosts)
            {
                await host.EnrolAsync(admin, client, ct);
            }

            // One honest attestation per host through the API before anything is timed: each must pass.
            var samples = new List<AttestationRequest>();
            foreach (var host in hosts)
            {
                var request = await host.EvidenceAsync(await ChallengeAsync(client, ct), ct);
                if (await AttestOverHttpAsync(client, JsonBody(request), ct) is { } error)
                {
                    throw new InvalidOperationException($"{host.Name} does not pass attestation before the run: {error}");
                }

                samples.Add(await host.EvidenceAsync(await ChallengeAsync(client, ct), ct));
            }

            var rows = new List<Measurement>();
            var ecdsa = await MeasureAsync($"ECDSA P-256 / SHA-256 VerifyData, {QuoteSize} bytes", SignatureBaseline.Ecdsa(options.Concurrency), ct);
            var rsa = await MeasureAsync($"RSA-2048 PKCS#1 / SHA-256 VerifyData, {QuoteSize} bytes", SignatureBaseline.Rsa(options.Concurrency), ct);

            rows.Add(await MeasureAsync("HGS evidence checks in-process: parse, verify quote, replay TCG log (no DB, no HTTP)",
                (_, sequence, _) => Task.FromResult(EvidenceVerification.Verify(samples[(int)(sequence % samples.Count)])), ct));
            rows.Add(await MeasureAsync("health certificate: issue and sign (ECDSA P-384 / SHA-384)",
                SignatureBaseline.HealthCertificate(options.Concurrency, samples[0].TransportKey), ct));
            Measurement rawWrite;
            await using (var raw = await RawSqliteWrite.CreateAsync(hgs.DataFolder, ct))
            {
                rawWrite = await MeasureAsync("raw SQLite INSERT, one implicit transaction (HGS's journal and sync settings)", raw.Insert, ct);
                rows.Add(rawWrite);
            }

            Progress("HGS evidence checks step by step, one thread");
            var steps = EvidenceStepTimes.Measure(samples[0], TimeSpan.FromMilliseconds(500));

            rows.Add(await MeasurePooledAsync("AttestationService.AttestAsync in-process (SQLite, no HTTP)", hgs, hosts, rawWrite.PerSecond,
                request => request, request => AttestInProcessAsync(hgs, request, ct), ct));
            rows.Add(await MeasurePooledAsync($"POST {HgsRoutes.Attest} over HTTP (Kestrel, loopback)", hgs, hosts, rawWrite.PerSecond,
                JsonBody, body => AttestOverHttpAsync(client, body, ct), ct));

            var sql = await CaptureOneAttestationAsync(client, hosts[0], ct);
            return new AttestationResults(ecdsa, rsa, rows, steps, sql, await SqliteSetupAsync(hgs, ct));
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    public static string Render(AttestationResults results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Benchmark | ops/s | p50 ms | p99 ms | failed | vs ECDSA verify | vs RSA verify |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var row in (Measurement[])[results.Ecdsa, results.Rsa, .. results.Rows])
        {
            text.AppendLine(Invariant(
                $"| {row.Name} | {row.PerSecond:N0} | {row.P50Ms:0.000} | {row.P99Ms:0.000} | {row.Failed} | {Ratio(row, results.Ecdsa)} | {Ratio(row, results.Rsa)} |"));
        }

        text.AppendLine();
        var total = results.Steps.Sum(s => s.MeanMicroseconds);
        text.AppendLine("| HGS evidence checks, step by step (one thread) | mean µs | share |");
        text.AppendLine("|---|--:|--:|");
        foreach (var step in results.Steps)
        {
            text.AppendLine(Invariant($"| {step.Step} | {step.MeanMicroseconds:N1} | {100 * step.MeanMicroseconds / total:0.0} % |"));
        }

        text.AppendLine(Invariant($"| **all steps** | **{total:N1}** | 100 % |"));

        text.AppendLine();
        text.AppendLine("| One attestation's requests (SQLite store) | SQL commands | explicit commits | rollbacks | statements that write |");
        text.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var group in results.Sql.GroupBy(c => c.Origin))
        {
            var commands = group.Count(c => c.Kind == "command");
            var commits = group.Count(c => c.Kind == "COMMIT");
            var rollbacks = group.Count(c => c.Kind == "ROLLBACK");
            var writes = group.Count(c => c.Kind == "command" && IsWrite(c.Text));
            text.AppendLine(Invariant($"| `{group.Key}` | {commands} | {commits} | {rollbacks} | {writes} |"));
        }

        return text.ToString();
    }

    private static bool IsWrite(string sql) =>
        sql.TrimStart().Split(' ', 2)[0].ToUpperInvariant() is "INSERT" or "UPDATE" or "DELETE";

    private static string Ratio(Measurement row, Measurement baseline) =>
        ReferenceEquals(row, baseline) ? "baseline" : Invariant($"{row.PerSecond / baseline.PerSecond:0.0000}×");

    /// <summary>
    /// A row that uses up one fresh nonce per operation. A short probe estimates its rate; then evidence for three times
    /// what warm-up and measured time would use at that rate, or at the raw SQLite write rate when that is higher (every
    /// attestation writes at least once), is built, and only then is the row run. A pool that runs dry anyway counts
    /// as failures ("evidence pool ran dry"), never as silently slower work.
    /// </summary>
    private async Task<Measurement> MeasurePooledAsync<T>(
        string name, BenchHgs hgs, IReadOnlyList<BenchTpmHost> hosts, double writesPerSecond, Func<AttestationRequest, T> prepare,
        Func<T, Task<string?>> attest, CancellationToken ct)
    {
        var probeCount = Math.Max(32, 4 * options.Concurrency);
        var probe = await BuildPoolAsync(hgs, hosts, probeCount, prepare, ct);
        var clock = Stopwatch.StartNew();
        var probeFailures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, probeCount), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
            async (_, _) =>
            {
                if (probe.TryDequeue(out var item) && await attest(item) is not null)
                {
                    Interlocked.Increment(ref probeFailures);
                }
            });
        var rate = probeCount / clock.Elapsed.TotalSeconds;
        if (probeFailures > 0)
        {
            Progress($"  warning: {probeFailures} of {probeCount} probe attestations failed");
        }

        var size = (int)Math.Min(MaxPool,
            Math.Ceiling(Math.Max(rate, writesPerSecond) * (options.Warmup + options.Duration).TotalSeconds * 3) + 4 * options.Concurrency);
        Progress(Invariant($"{name}: probe {rate:N0}/s; building {size:N0} evidence requests (nonce, quote, body) before timing"));
        clock.Restart();
        var pool = await BuildPoolAsync(hgs, hosts, size, prepare, ct);
        Progress(Invariant($"  built in {clock.Elapsed.TotalSeconds:0.0} s"));

        // A dry pool fails slowly, so the workers still in flight do not share the CPU with a spinning one.
        var result = await MeasureAsync(name, async (_, _, token) => pool.TryDequeue(out var item)
            ? await attest(item)
            : await Task.Delay(10, token).ContinueWith(_ => $"the evidence pool ran dry ({size:N0} built)", TaskScheduler.Default), ct);
        Progress(Invariant($"  {pool.Count:N0} evidence requests left unused"));
        return result;
    }

    private static async Task<ConcurrentQueue<T>> BuildPoolAsync<T>(
        BenchHgs hgs, IReadOnlyList<BenchTpmHost> hosts, int count, Func<AttestationRequest, T> prepare, CancellationToken ct)
    {
        var nonces = await IssueNoncesAsync(hgs, count, ct);
        var built = new T[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            async (i, token) => built[i] = prepare(await hosts[i % hosts.Count].EvidenceAsync(nonces[i], token)));
        return new ConcurrentQueue<T>(built);
    }

    /// <summary>
    /// Nonces as the challenge endpoint issues them (the same row: a random nonce and its expiry), written into HGS's
    /// store a thousand per transaction: through the endpoint each costs two SQLite write transactions, so a pool of
    /// thousands would take longer to build than the row takes to run. Attestation finds and consumes them the same way.
    /// </summary>
    private static async Task<byte[][]> IssueNoncesAsync(BenchHgs hgs, int count, CancellationToken ct)
    {
        var lifetime = hgs.Services.GetRequiredService<IOptions<HgsOptions>>().Value.NonceLifetime;
        var expiresAt = hgs.Services.GetRequiredService<TimeProvider>().GetUtcNow() + lifetime;
        var nonces = Enumerable.Range(0, count).Select(_ => AttestationNonce.Create()).ToArray();
        await using var scope = hgs.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HgsDbContext>();
        foreach (var batch in nonces.Chunk(1000))
        {
            db.Nonces.AddRange(batch.Select(n => new IssuedNonce { Nonce = n, ExpiresAt = expiresAt }));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        return nonces;
    }

    private static async Task<byte[]> ChallengeAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.PostAsync(HgsRoutes.Challenge, content: null, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AttestationChallenge>(Json, ct))!.Nonce;
    }

    private static byte[] JsonBody(AttestationRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, Json);

    private static async Task<string?> AttestOverHttpAsync(HttpClient client, byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(HgsRoutes.Attest, content, ct);
        if (!response.IsSuccessStatusCode)
        {
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        }

        var outcome = (await response.Content.ReadFromJsonAsync<AttestationOutcome>(Json, ct))!;
        return outcome.Status == AttestationStatus.Passed ? null : $"{outcome.Status} {outcome.SubStatus}: {outcome.Reason}";
    }

    /// <summary>The endpoint's work without HTTP: validation, then the use case in a scope of its own, as a request would have.</summary>
    private static async Task<string?> AttestInProcessAsync(BenchHgs hgs, AttestationRequest request, CancellationToken ct)
    {
        if (AttestationService.Validate(request) is { } errors)
        {
            return $"malformed: {string.Join(", ", errors.Keys)}";
        }

        await using var scope = hgs.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<AttestationService>().AttestAsync(request, "127.0.0.1", ct);
        return outcome.Status == AttestationStatus.Passed ? null : $"{outcome.Status} {outcome.SubStatus}: {outcome.Reason}";
    }

    /// <summary>The SQL one honest attestation sends (challenge, then attest over HTTP), by request.</summary>
    private static async Task<IReadOnlyList<CapturedCommand>> CaptureOneAttestationAsync(HttpClient client, BenchTpmHost host, CancellationToken ct)
    {
        using var capture = new SqlCapture();
        capture.Start();
        var request = await host.EvidenceAsync(await ChallengeAsync(client, ct), ct);
        var error = await AttestOverHttpAsync(client, JsonBody(request), ct);
        var commands = capture.Stop();
        if (error is not null)
        {
            throw new InvalidOperationException($"The captured attestation failed: {error}");
        }

        foreach (var command in commands)
        {
            Progress($"  {command.Origin} · {command.Kind} {command.Text.ReplaceLineEndings(" ")}");
        }

        return commands;
    }

    private static async Task<string> SqliteSetupAsync(BenchHgs hgs, CancellationToken ct)
    {
        await using var scope = hgs.Services.CreateAsyncScope();
        var connection = (SqliteConnection)scope.ServiceProvider.GetRequiredService<HgsDbContext>().Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; PRAGMA synchronous;";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var journal = reader.GetString(0);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var synchronous = reader.GetInt64(0) switch { 0 => "OFF", 1 => "NORMAL", 2 => "FULL", 3 => "EXTRA", var n => n.ToString(CultureInfo.InvariantCulture) };
        return $"SQLite {connection.ServerVersion}, journal_mode {journal}, synchronous {synchronous}";
    }

    private async Task<Measurement> MeasureAsync(string name, BenchOperation operation, CancellationToken ct)
    {
        Progress(name);
        var result = await _runner.RunAsync(name, operation, ct);
        Progress(Invariant($"  {result.PerSecond:N0} ops/s, p50 {result.P50Ms:0.000} ms, p99 {result.P99Ms:0.000} ms, {result.Failed} failed"));
        if (result.FirstError is { } error)
        {
            Progress($"  first failure: {error}");
        }

        return result;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
