using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Common;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Keys;

/// <summary>Before HGS answers anything: migrate its store, load (or create) its keys, seed the simulated policy if asked.</summary>
internal sealed class HgsInitializer(
    IServiceScopeFactory scopes, HgsKeys keys, IOptions<HgsOptions> options, TimeProvider time, ILogger<HgsInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.DataFolder);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HgsDbContext>();
        var onDisk = EnsurePrivateStore(db);
        await db.Database.MigrateAsync(cancellationToken);
        if (onDisk)
        {
            // Every attestation writes (nonce, history, audit): with a write-ahead log a commit is one append, not a
            // journal rewrite, and readers never wait for it. The mode is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await keys.LoadAsync(db, cancellationToken);

        if (options.Value.SeedSimulatedPolicy && !await db.TpmBaselines.AnyAsync(cancellationToken) && !await db.CodeIntegrityPolicies.AnyAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            var healthy = FirmwarePcrs.Select(SimulatedFirmware.Healthy.Log().Replay().Select(p => new PcrValue(p.Key, p.Value)))!;
            db.TpmBaselines.Add(new TpmBaseline
            {
                Name = "Simulated host, healthy boot", Pcrs = healthy, PcrDigest = FirmwarePcrs.Digest(healthy), CreatedAt = now,
            });
            db.CodeIntegrityPolicies.Add(new CodeIntegrityPolicy { Name = "Simulated host default", Hash = CodeIntegrityPolicies.DefaultPolicyHash, CreatedAt = now });
            db.Audit.Add(new HgsAuditEntry { At = now, Actor = "hgs", Action = "policy.seed", Subject = "simulated hosts", Outcome = "Succeeded" });
            await db.SaveChangesAsync(cancellationToken);
            logger.LogWarning("HGS seeded the simulated hosts' TPM baseline and code-integrity policy (Hgs:SeedSimulatedPolicy)");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The store holds sealed keys and the audit trail: readable by HGS's own user only. Created (or tightened) before
    // SQLite opens it, which would otherwise follow the umask; SQLite gives its WAL and journal the same mode.
    private static bool EnsurePrivateStore(HgsDbContext db)
    {
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        PrivateFiles.EnsureOwnerOnly(Path.GetFullPath(source));
        return true;
    }
}
