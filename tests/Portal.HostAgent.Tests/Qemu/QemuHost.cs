using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Portal.Core.Fabric;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Hypervisor.Qemu;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Qemu;

/// <summary>
/// A QEMU host for one test: a short private data folder (unix socket paths are limited), the driver with TCG unless a
/// test asks otherwise, captured logs, and every process the driver started — all stopped by pid at the end, even when
/// the test failed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class QemuHost : IAsyncDisposable
{
    private readonly ConcurrentBag<(string Name, int Pid)> _started = [];
    private readonly Action<string, int> _onStarted;
    private readonly List<QemuHypervisorDriver> _drivers = [];

    public QemuHost(GuestBuild guest)
    {
        Guest = guest;
        DataFolder = Directory.CreateTempSubdirectory("tpq-").FullName;
        _onStarted = (name, pid) =>
        {
            _started.Add((name, pid));
            OnProcessStarted?.Invoke(name, pid);
        };
        QemuHypervisorDriver.ProcessStarted += _onStarted;
        Logs = new CapturedLogs();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
    }

    public GuestBuild Guest { get; }

    public string DataFolder { get; }

    public CapturedLogs Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IReadOnlyCollection<(string Name, int Pid)> Started => _started;

    /// <summary>Called as each helper process starts, before any secret was written to it.</summary>
    public Action<string, int>? OnProcessStarted { get; set; }

    public static HostResources Size { get; } = new(1, 1, 1);

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public QemuHypervisorOptions Options(Action<QemuHypervisorOptions>? configure = null)
    {
        var options = new QemuHypervisorOptions
        {
            GuestFolder = Guest.Folder,
            Acceleration = QemuAcceleration.Tcg,
            BootTimeout = TimeSpan.FromSeconds(90),
            ShutdownTimeout = TimeSpan.FromSeconds(60),
            SpecializeTimeout = TimeSpan.FromSeconds(90),
        };
        configure?.Invoke(options);
        return options;
    }

    public QemuHypervisorDriver Driver(Action<QemuHypervisorOptions>? configure = null, HostCapacityOptions? capacity = null)
    {
        var driver = new QemuHypervisorDriver(
            Microsoft.Extensions.Options.Options.Create(new HostAgentOptions { DataFolder = DataFolder, Capacity = capacity ?? new HostCapacityOptions { Vcpus = 4, MemoryGiB = 8, StorageGiB = 20 } }),
            Microsoft.Extensions.Options.Options.Create(Options(configure)),
            TimeProvider.System,
            LoggerFactory.CreateLogger<QemuHypervisorDriver>());
        _drivers.Add(driver);
        return driver;
    }

    public Task<VmInfo> CreateAsync(QemuHypervisorDriver driver, string name, byte[] key, Guid? id = null) =>
        driver.CreateAsync(new VmDefinition(id ?? Guid.NewGuid(), name, Size, Shielded: true), Guest.TemplatePath, Guest.TemplateSha384, key, CancellationToken.None);

    public static bool IsAlive(int pid)
    {
        try
        {
            // A zombie still has /proc/PID; its state is Z.
            var status = File.ReadAllText($"/proc/{pid}/status");
            return !status.Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    public async ValueTask DisposeAsync()
    {
        foreach (var driver in _drivers)
        {
            await driver.DisposeAsync();
        }

        QemuHypervisorDriver.ProcessStarted -= _onStarted;
        foreach (var (_, pid) in _started)
        {
            if (IsAlive(pid) && CommandLine(pid).Contains(DataFolder, StringComparison.Ordinal))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        LoggerFactory.Dispose();
        Directory.Delete(DataFolder, recursive: true);
    }
}
