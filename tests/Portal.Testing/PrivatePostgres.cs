using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Portal.Testing;

/// <summary>
/// A throwaway PostgreSQL server of a test's own (initdb, pg_ctl on a free loopback port), so a test may restart or
/// stop it without touching the server every other test shares. Runs as the postgres user when the tests run as root.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder;

    private PrivatePostgres(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server (no database named): trust authentication on loopback, as the postgres superuser.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres";

    private string DataFolder => Path.Combine(_folder, "data");

    public static PrivatePostgres Start()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var server = new PrivatePostgres(folder, FreePort());
        try
        {
            if (IsRoot)
            {
                Run("chown", "postgres", folder);
            }

            server.PgTool("initdb", "-D", server.DataFolder, "-U", "postgres", "--auth=trust", "--no-sync");
            server.PgCtl("start");
            return server;
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary><c>pg_ctl restart -m immediate</c>: every connection dies at once, as in a crash, and the server recovers.</summary>
    public Task RestartImmediatelyAsync() => Task.Run(() => PgCtl("restart", "-m", "immediate"));

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() =>
        {
            try
            {
                PgCtl("stop", "-m", "immediate");
            }
            finally
            {
                Directory.Delete(_folder, recursive: true);
            }
        });
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string BinFolder =>
        Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).Last() + "/bin";

    private void PgCtl(string action, params string[] extra) =>
        PgTool("pg_ctl", ["-D", DataFolder, "-l", Path.Combine(_folder, "log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", action, .. extra]);

    private void PgTool(string tool, params string[] arguments)
    {
        var path = Path.Combine(BinFolder, tool);
        if (IsRoot)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output.Result}{error.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
