using Npgsql;

namespace Portal.Bench;

/// <summary>Command-line settings: <c>--duration</c>, <c>--warmup</c> (seconds), <c>--concurrency</c>, <c>--no-pgbench</c>.</summary>
public sealed record BenchOptions(TimeSpan Warmup, TimeSpan Duration, int Concurrency, bool RunPgbench, string ServerConnectionString)
{
    public const string Usage =
        "usage: Portal.Bench [--duration SECONDS=10] [--warmup SECONDS=5] [--concurrency N=16] [--no-pgbench]\n"
        + "PostgreSQL server from PORTAL_TEST_POSTGRES (default Host=127.0.0.1;Port=5432;Username=portal;Password=portal).";

    public static BenchOptions Parse(string[] args)
    {
        var warmup = 5;
        var duration = 10;
        var concurrency = 16;
        var pgbench = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--duration":
                    duration = PositiveInt(args, ++i);
                    break;
                case "--warmup":
                    warmup = PositiveInt(args, ++i, allowZero: true);
                    break;
                case "--concurrency":
                    concurrency = PositiveInt(args, ++i);
                    break;
                case "--no-pgbench":
                    pgbench = false;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        var server = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=portal;Password=portal";
        var host = new NpgsqlConnectionStringBuilder(server).Host;
        if (host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            // Load goes to this machine only.
            throw new ArgumentException($"PORTAL_TEST_POSTGRES must point at this machine (127.0.0.1), not '{host}'.");
        }

        return new BenchOptions(TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), concurrency, pgbench, server);
    }

    private static int PositiveInt(string[] args, int index, bool allowZero = false)
    {
        if (index >= args.Length || !int.TryParse(args[index], out var value) || value < (allowZero ? 0 : 1))
        {
            throw new ArgumentException($"'{args[index - 1]}' needs a whole number{(allowZero ? "" : " above 0")}.");
        }

        return value;
    }
}
