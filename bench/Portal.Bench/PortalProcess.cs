using System.Diagnostics;
using Npgsql;

namespace Portal.Bench;

/// <summary>
/// The portal as a process of its own (<c>dotnet Portal.Web.dll</c> from the bench's build output) on a loopback port
/// and a fresh PostgreSQL database, so its CPU time can be read apart from the load generator's. On dispose it is killed
/// by its pid, its database dropped and its data folder deleted.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private const string ListeningMarker = "Now listening on: ";

    private readonly Process _process;
    private readonly string _serverConnectionString;
    private readonly string _dataFolder;
    private readonly Queue<string> _lastLines = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalProcess(string serverConnectionString, IReadOnlyDictionary<string, string> settings)
    {
        _serverConnectionString = serverConnectionString;
        DatabaseName = $"portal_bench_{Guid.NewGuid():N}";
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = DatabaseName }.ConnectionString;
        _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-bench-{Guid.NewGuid():N}"[..21]);

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Portal.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var environment = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = ConnectionString,
            ["Database:MigrateOnStart"] = "true",
            ["Portal:Bootstrap:AdminEmail"] = BenchPortal.AdminEmail,
            ["Portal:Bootstrap:AdminPassword"] = BenchPortal.AdminPassword,
            ["Portal:DataFolder"] = _dataFolder,
            ["DataProtection:GenerateCertificate"] = "true",
            ["RateLimits:Credentials:PerAddressPermits"] = "100000",
            ["Fabric:SimulatedHosts:Count"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            // Kestrel's "Now listening on" line says which port it took.
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string DatabaseName { get; }

    public string ConnectionString { get; }

    public Uri Address { get; private set; } = default!;

    /// <summary>Starts the portal (it migrates its new database on the way) and waits until Kestrel listens.</summary>
    public static async Task<PortalProcess> StartAsync(
        string serverConnectionString, IReadOnlyDictionary<string, string> settings, TimeSpan timeout, CancellationToken ct)
    {
        var portal = new PortalProcess(serverConnectionString, settings);
        try
        {
            var done = await Task.WhenAny(portal._listening.Task, portal._process.WaitForExitAsync(ct), Task.Delay(timeout, ct));
            ct.ThrowIfCancellationRequested();
            if (done != portal._listening.Task)
            {
                throw new InvalidOperationException($"The portal process did not start listening within {timeout.TotalSeconds:0} s:\n{portal.LastLines()}");
            }

            portal.Address = await portal._listening.Task;
            return portal;
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
    }

    /// <summary>The CPU time the process has used so far, user and kernel.</summary>
    public TimeSpan CpuTime() =>
        !_process.HasExited && ProcessCpu.Of(_process.Id) is { } time
            ? time
            : throw new InvalidOperationException($"The portal process has exited:\n{LastLines()}");

    /// <summary>The process's last lines of output, for failure messages.</summary>
    public string LastLines()
    {
        lock (_lock)
        {
            return string.Join('\n', _lastLines);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
        }
        finally
        {
            await DropDatabaseAsync();
            if (Directory.Exists(_dataFolder))
            {
                Directory.Delete(_dataFolder, recursive: true);
            }
        }
    }

    private async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }

        // Warnings from the portal go with the bench's progress on stderr.
        if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal)
            || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"[portal] {line}");
        }

        var at = line.IndexOf(ListeningMarker, StringComparison.Ordinal);
        if (at >= 0 && Uri.TryCreate(line[(at + ListeningMarker.Length)..].Trim(), UriKind.Absolute, out var uri))
        {
            _listening.TrySetResult(uri);
        }
    }
}
