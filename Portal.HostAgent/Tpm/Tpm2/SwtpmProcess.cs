using System.Diagnostics;
using System.Text.RegularExpressions;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Hypervisor.Qemu;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// An swtpm the agent runs as its host TPM: manufactured once (EK and platform certificates from a local CA), then a
/// child process on two free loopback ports (server P, control P + 1), with PCRs cleared at each start as after a
/// reboot. Stopped by its own pid, never by name.
/// </summary>
internal sealed partial class SwtpmProcess : IAsyncDisposable
{
    private const string ManufacturedMarker = "manufactured";
    private const int StartAttempts = 5;

    // Our own swtpms must not pick the same ports between choosing them and binding them.
    private static readonly SemaphoreSlim StartLock = new(1, 1);

    private readonly ChildProcess _process;

    private SwtpmProcess(ChildProcess process, int port, string version)
    {
        _process = process;
        Port = port;
        Version = version;
    }

    /// <summary>The TPM command port on 127.0.0.1; the control port is the next one.</summary>
    public int Port { get; }

    public int Pid => _process.Pid;

    public string Version { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Manufactures the TPM in <paramref name="stateFolder"/> unless it already was, then starts it and waits until it accepts connections.</summary>
    public static async Task<SwtpmProcess> StartAsync(string stateFolder, string certificateAuthorityFolder, TimeSpan timeout, ILogger logger, CancellationToken ct)
    {
        await ManufactureAsync(stateFolder, certificateAuthorityFolder, timeout, logger, ct);
        var version = await VersionAsync(ct);
        await StartLock.WaitAsync(ct);
        try
        {
            string? lastFailure = null;
            for (var attempt = 1; attempt <= StartAttempts; attempt++)
            {
                var port = LocalPorts.FreePair();
                var process = Launch(stateFolder, port);
                var failure = await WaitUntilReadyAsync(process, port, timeout, ct);
                if (failure is null)
                {
                    logger.LogInformation("swtpm {Version} started (pid {Pid}) on 127.0.0.1:{Port}, state {StateFolder}", version, process.Pid, port, stateFolder);
                    return new SwtpmProcess(process, port, version);
                }

                await process.StopAsync();
                process.Dispose();
                lastFailure = failure;
                if (!failure.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    break;
                }
            }

            throw new TpmException($"swtpm did not start (state {stateFolder}): {lastFailure}");
        }
        finally
        {
            StartLock.Release();
        }
    }

    /// <summary>Shuts the TPM down through its control port, then makes sure the process is gone.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            await ShutDownGracefullyAsync();
            if (!await _process.WaitAsync(TimeSpan.FromSeconds(5)))
            {
                _process.Kill();
                await _process.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private static ChildProcess Launch(string stateFolder, int port)
    {
        string[] arguments =
        [
            "socket", "--tpm2",
            "--tpmstate", $"dir={stateFolder}",
            "--server", $"type=tcp,port={port},bindaddr=127.0.0.1",
            "--ctrl", $"type=tcp,port={port + 1},bindaddr=127.0.0.1",
            "--flags", "not-need-init,startup-clear",
        ];
        try
        {
            return ChildProcess.Start("swtpm", "swtpm", arguments, announce: false);
        }
        catch (HypervisorException e)
        {
            throw new TpmException($"{e.Message} (install the Debian package swtpm).", e);
        }
    }

    // Ready when both sockets accept; an early exit (e.g. a port taken meanwhile) is reported with swtpm's own words.
    private static async Task<string?> WaitUntilReadyAsync(ChildProcess process, int port, TimeSpan timeout, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                return $"swtpm {process.DescribeExit()}: {process.OutputTail}";
            }

            if (await LocalPorts.AcceptsAsync(port, ct) && await LocalPorts.AcceptsAsync(port + 1, ct) && !process.HasExited)
            {
                return null;
            }

            await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromMilliseconds(20), ct));
        }

        return $"swtpm did not accept connections on 127.0.0.1:{port} within {timeout.TotalSeconds:0.#} s.";
    }

    private async Task ShutDownGracefullyAsync()
    {
        try
        {
            using var ioctl = ChildProcess.Start("swtpm_ioctl", "swtpm_ioctl", ["--tcp", $"127.0.0.1:{Port + 1}", "-s"], announce: false);
            if (!await ioctl.WaitAsync(TimeSpan.FromSeconds(5)))
            {
                ioctl.Kill();
            }
        }
        catch (HypervisorException)
        {
            // No swtpm_ioctl: the kill below stops it.
        }
    }

    private static async Task ManufactureAsync(string stateFolder, string caFolder, TimeSpan timeout, ILogger logger, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(stateFolder, ManufacturedMarker)))
        {
            return;
        }

        WorkFolder.CreatePrivate(stateFolder);
        WorkFolder.CreatePrivate(caFolder);
        var configFolder = Path.GetDirectoryName(stateFolder)!;
        var localCaConfig = Path.Combine(configFolder, "swtpm-localca.conf");
        var localCaOptions = Path.Combine(configFolder, "swtpm-localca.options");
        var setupConfig = Path.Combine(configFolder, "swtpm_setup.conf");
        await File.WriteAllTextAsync(localCaConfig, $"""
            statedir = {caFolder}
            signingkey = {Path.Combine(caFolder, "signkey.pem")}
            issuercert = {Path.Combine(caFolder, "issuercert.pem")}
            certserial = {Path.Combine(caFolder, "certserial")}

            """, ct);
        await File.WriteAllTextAsync(localCaOptions, """
            --platform-manufacturer TenantPortal
            --platform-version 1.0
            --platform-model swtpm

            """, ct);
        await File.WriteAllTextAsync(setupConfig, $"""
            create_certs_tool = /usr/bin/swtpm_localca
            create_certs_tool_config = {localCaConfig}
            create_certs_tool_options = {localCaOptions}
            active_pcr_banks = sha256

            """, ct);

        // A state left by an interrupted manufacture has no marker: make it again from scratch.
        string[] arguments =
        [
            "--tpm2", "--tpmstate", stateFolder, "--create-ek-cert", "--create-platform-cert",
            "--config", setupConfig, "--overwrite",
        ];
        ChildProcess setup;
        try
        {
            setup = ChildProcess.Start("swtpm_setup", "swtpm_setup", arguments, announce: false);
        }
        catch (HypervisorException e)
        {
            throw new TpmException($"{e.Message} (install the Debian package swtpm-tools).", e);
        }

        using (setup)
        {
            setup.CloseInput();
            // Manufacturing generates keys (and the CA's on first use): allow it more than one command's time.
            if (!await setup.WaitAsync(4 * timeout, ct))
            {
                await setup.StopAsync();
                throw new TpmException($"swtpm_setup did not finish within {4 * timeout.TotalSeconds:0.#} s (state {stateFolder}).");
            }

            if (setup.ExitCode != 0)
            {
                throw new TpmException($"swtpm_setup failed ({setup.DescribeExit()}) manufacturing {stateFolder}: {LastLines(setup.OutputTail)}");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(stateFolder, ManufacturedMarker), "", ct);
        logger.LogInformation("Manufactured an swtpm in {StateFolder} with EK certificates from the local CA in {CaFolder}", stateFolder, caFolder);
    }

    private static async Task<string> VersionAsync(CancellationToken ct)
    {
        try
        {
            using var swtpm = ChildProcess.Start("swtpm", "swtpm", ["--version"], announce: false);
            swtpm.CloseInput();
            await swtpm.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return VersionPattern().Match(swtpm.OutputTail) is { Success: true } match ? match.Groups[1].Value : "";
        }
        catch (HypervisorException e)
        {
            throw new TpmException($"{e.Message} (install the Debian package swtpm).", e);
        }
    }

    private static string LastLines(string output) =>
        string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));

    [GeneratedRegex(@"version (\d+(?:\.\d+)+)")]
    private static partial Regex VersionPattern();
}
