using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Core.Tests.Attestation.MeasuredBoot;

/// <summary>Runs <c>tpm2_eventlog</c> (tpm2-tools) over a log file and reads its replayed SHA-256 PCRs.</summary>
internal static partial class Tpm2EventLogTool
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public sealed record Result(int ExitCode, string Output, string Errors);

    public static Result Run(byte[] log)
    {
        var folder = Directory.CreateTempSubdirectory("eventlog-");
        try
        {
            var file = Path.Combine(folder.FullName, "binary_bios_measurements");
            File.WriteAllBytes(file, log);
            var start = new ProcessStartInfo("tpm2_eventlog") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(file);
            using var process = Process.Start(start)
                ?? throw new InvalidOperationException("tpm2_eventlog did not start (install the Debian package tpm2-tools).");
            try
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(Deadline))
                {
                    throw new TimeoutException($"tpm2_eventlog did not finish within {Deadline}.");
                }

                return new Result(process.ExitCode, output.Result, errors.Result);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The "pcrs: sha256:" section of the output: PCR index → value.</summary>
    public static IReadOnlyDictionary<int, byte[]> Sha256Pcrs(string output)
    {
        var section = output[output.IndexOf("pcrs:", StringComparison.Ordinal)..];
        var sha256 = section[section.IndexOf("sha256:", StringComparison.Ordinal)..];
        var pcrs = new Dictionary<int, byte[]>();
        foreach (Match m in PcrLine().Matches(sha256))
        {
            var index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (pcrs.ContainsKey(index))
            {
                break; // the next bank starts
            }

            pcrs[index] = Convert.FromHexString(m.Groups[2].Value);
        }

        return pcrs;
    }

    [GeneratedRegex(@"^\s+(\d+)\s*:\s*0x([0-9A-Fa-f]{64})\s*$", RegexOptions.Multiline)]
    private static partial Regex PcrLine();
}
