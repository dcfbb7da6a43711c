using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Portal.Data.Cluster;

/// <summary>
/// Cluster locks as PostgreSQL session advisory locks, each held on a connection of its own: the lock lives exactly as
/// long as that connection, so a process that dies or loses the database loses its leadership with it, and another
/// process takes over within <see cref="ClusterOptions.LeaderCheckInterval"/>.
/// </summary>
public sealed class PostgresClusterLocks(
    ClusterDatabase database,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<PostgresClusterLocks> logger) : IClusterLocks
{
    private readonly ConcurrentDictionary<string, bool> _leading = new(StringComparer.Ordinal);

    /// <summary>The advisory lock key of a name: the first 8 bytes of its SHA-256, so names never need registering.</summary>
    public static long KeyOf(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("tenantportal:" + name)), 0);

    public bool IsLeader(string name) => _leading.TryGetValue(name, out var leading) && leading;

    public async Task RunWhileLeaderAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        var check = options.Value.LeaderCheckInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await LeadOnceAsync(name, work, check, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (ClusterDatabase.IsConnectionFailure(e))
            {
                logger.LogWarning(e, "Lost or could not take the lead of {LockName}; trying again", name);
            }
            finally
            {
                _leading[name] = false;
            }

            try
            {
                await Task.Delay(check, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task RunExclusiveAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        await using var connection = await database.Unpooled.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { CommandTimeout = 0 })
        {
            take.Parameters.Add(new NpgsqlParameter { Value = KeyOf(name) });
            await take.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await work(ct);
        }
        finally
        {
            // Closing the connection releases it too; this says so at once, should the connection be slow to close.
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            release.Parameters.Add(new NpgsqlParameter { Value = KeyOf(name) });
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task LeadOnceAsync(string name, Func<CancellationToken, Task> work, TimeSpan check, CancellationToken ct)
    {
        await using var connection = await database.Unpooled.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = KeyOf(name) });
            if (await take.ExecuteScalarAsync(ct) is not true)
            {
                return;
            }
        }

        _leading[name] = true;
        logger.LogInformation("This process now leads {LockName}", name);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = Task.Run(() => work(lost.Token), CancellationToken.None);
        try
        {
            while (!running.IsCompleted)
            {
                var finished = await Task.WhenAny(running, Task.Delay(check, time, ct));
                if (finished != running)
                {
                    await StillHeldAsync(connection, ct);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "This process lost the lead of {LockName}; stopping its work there", name);
            await lost.CancelAsync();
        }
        finally
        {
            if (!running.IsCompleted)
            {
                await lost.CancelAsync();
            }

            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (running.IsFaulted)
            {
                logger.LogError(running.Exception, "The work of {LockName} failed; letting the lead go", name);
            }
        }
    }

    // A session's advisory lock ends only with the session: while the connection answers, the lock is still held.
    private static async Task StillHeldAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }
}
