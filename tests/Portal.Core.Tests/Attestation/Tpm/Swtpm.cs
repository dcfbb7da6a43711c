using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Core.Tests.Attestation.Tpm;

/// <summary>
/// A TPM 2.0 of the test's own: swtpm manufactured in a temporary folder with EK certificates from a local CA of its
/// own, listening on a free local port, and driven with tpm2-tools. Stopped by its own pid and removed on dispose.
/// </summary>
public sealed class Swtpm : IDisposable
{
    public const string RsaEk = "0x81010001";
    public const string EccEk = "0x81010016";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private readonly string _tcti;
    private readonly string _pidFile;

    private Swtpm(string folder, int port)
    {
        Folder = folder;
        _tcti = $"swtpm:host=127.0.0.1,port={port}";
        _pidFile = Path.Combine(folder, "swtpm.pid");
    }

    /// <summary>The working folder: tools run here, so relative file names land here.</summary>
    public string Folder { get; }

    public static Swtpm Start()
    {
        var folder = Directory.CreateTempSubdirectory("swtpm-test-").FullName;
        Swtpm? tpm = null;
        try
        {
            var state = Path.Combine(folder, "state");
            var ca = Path.Combine(folder, "ca");
            Directory.CreateDirectory(state);
            Directory.CreateDirectory(ca);
            File.WriteAllText(Path.Combine(folder, "ca.conf"), $"""
                statedir = {ca}
                signingkey = {ca}/signkey.pem
                issuercert = {ca}/issuercert.pem
                certserial = {ca}/certserial

                """);
            File.WriteAllText(Path.Combine(folder, "setup.conf"), $"""
                create_certs_tool= /usr/bin/swtpm_localca
                create_certs_tool_config = {folder}/ca.conf
                create_certs_tool_options = /etc/swtpm-localca.options
                active_pcr_banks = sha256

                """);
            Exec(folder, "swtpm_setup", null, "--tpm2", "--tpmstate", state, "--create-ek-cert", "--config", Path.Combine(folder, "setup.conf"));

            var port = FreePortPair();
            tpm = new Swtpm(folder, port);
            Exec(folder, "swtpm", null, "socket", "--tpm2", "--tpmstate", $"dir={state}",
                "--server", $"type=tcp,port={port},bindaddr=127.0.0.1", "--ctrl", $"type=tcp,port={port + 1},bindaddr=127.0.0.1",
                "--flags", "not-need-init,startup-clear", "--daemon", "--pid", $"file={tpm._pidFile}");
            tpm.EnsureListening(port);
            return tpm;
        }
        catch
        {
            if (tpm is not null)
            {
                tpm.Dispose();
            }
            else
            {
                Directory.Delete(folder, recursive: true);
            }

            throw;
        }
    }

    public string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>Runs a tpm2-tools command against this TPM; throws with its stderr when it fails.</summary>
    public string Tool(string tool, params string[] arguments) => Exec(Folder, tool, _tcti, arguments);

    /// <summary>Runs a tpm2-tools command; returns its exit code and stderr instead of throwing.</summary>
    public (int ExitCode, string Error) TryTool(string tool, params string[] arguments) => Run(Folder, tool, _tcti, arguments);

    /// <summary>swtpm has no resource manager: drop what the last commands left loaded or saved.</summary>
    public void Flush()
    {
        Tool("tpm2_flushcontext", "-t");
        Tool("tpm2_flushcontext", "-s");
        Tool("tpm2_flushcontext", "-l");
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(_pidFile) && int.TryParse(File.ReadAllText(_pidFile).Trim(), out var pid))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    // swtpm --daemon returns once its sockets listen and its pid file is written: check, no waiting.
    private void EnsureListening(int port)
    {
        if (!File.Exists(_pidFile))
        {
            throw new InvalidOperationException("swtpm --daemon returned without writing its pid file.");
        }

        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
    }

    private static int FreePortPair()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                if (port >= 65535)
                {
                    continue;
                }

                var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                second.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
            finally
            {
                first.Stop();
            }
        }

        throw new InvalidOperationException("No two adjacent free local ports.");
    }

    private static string Exec(string folder, string tool, string? tcti, params string[] arguments)
    {
        var (exitCode, error, output) = RunCore(folder, tool, tcti, arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({exitCode}): {error}");
    }

    private static (int ExitCode, string Error) Run(string folder, string tool, string? tcti, string[] arguments)
    {
        var (exitCode, error, _) = RunCore(folder, tool, tcti, arguments);
        return (exitCode, error);
    }

    private static (int ExitCode, string Error, string Output) RunCore(string folder, string tool, string? tcti, string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (tcti is not null)
        {
            start.Environment["TPM2TOOLS_TCTI"] = tcti;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within {ToolTimeout.TotalSeconds} s.");
        }

        return (process.ExitCode, error.Result, output.Result);
    }
}
