using System.Diagnostics;
using System.Text;
using Npgsql;
using Portal.Core.Jobs;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// The design's promise across the whole fabric: after a shielded VM is built from shielding data holding a marker in
/// its administrator password and answer file, the marker is in no database row, no log line, no API answer and no
/// file of any host, of HGS or of the portal — only inside the VM's encrypted disk, where no form of it shows.
/// </summary>
[Collection(FabricCollection.Name)]
public sealed class SecretLeakFabricTests(FabricFixture fabric)
{
    [Fact]
    public async Task ShieldedVmProvisioned_TheMarkerIsNowhere_InTheDatabaseDumpLogsApiAnswersOrAnyFile()
    {
        var (vm, create) = await fabric.CreateVmAsync("leak-check", shielded: true);
        var job = await fabric.SucceededAsync(create);
        Assert.Contains(job.Steps, s => s.Kind == JobStepKind.Specialize && s.State == JobStepState.Succeeded);
        await fabric.VmAsync(vm.Id);
        await fabric.AdminVmAsync(vm.Id);
        await fabric.Admin.GetStringAsync("/api/admin/v1/jobs");
        await fabric.Tenant.GetStringAsync($"/api/v1/shielding-data/{fabric.ShieldingDataId}");
        await fabric.Tenant.GetStringAsync($"/api/v1/vms/{vm.Id}/jobs");

        var forms = Forms(fabric.Marker);
        AssertTheScanFindsEveryForm(forms, fabric.Marker);

        var places = new List<(string Name, byte[] Content)>
        {
            ("pg_dump of the portal database", Encoding.UTF8.GetBytes(await PgDumpAsync(fabric.Database.ConnectionString))),
            ("portal logs", Encoding.UTF8.GetBytes(fabric.PortalLogs.Text)),
        };
        places.AddRange(fabric.Processes.Select((p, i) => ($"output of process {i}", Encoding.UTF8.GetBytes(p.Output))));
        places.AddRange(fabric.Responses.Bodies.Select((b, i) => ($"API response {i}", b)));
        var files = Directory.EnumerateFiles(fabric.Root, "*", SearchOption.AllDirectories).ToList();
        places.AddRange(files.Select(f => (Path.GetRelativePath(fabric.Root, f), File.ReadAllBytes(f))));

        // The places are real: the dump holds the VM, the logs and answers are there, the VM's disk and HGS's store exist.
        Assert.Contains(places, p => p.Name.StartsWith("pg_dump", StringComparison.Ordinal) && Encoding.UTF8.GetString(p.Content).Contains(vm.Id.ToString(), StringComparison.Ordinal));
        Assert.True(fabric.PortalLogs.Lines.Count > 0);
        Assert.True(fabric.Responses.Bodies.Count > 10);
        Assert.Contains(files, f => f.EndsWith("disk.tpvd", StringComparison.Ordinal) && f.Contains(vm.Id.ToString("N"), StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith(fabric.HgsFolder, StringComparison.Ordinal));
        Assert.Contains(fabric.Processes, p => p.Output.Contains("HGS released", StringComparison.Ordinal));

        var hits = places.SelectMany(p => forms.Where(f => p.Content.AsSpan().IndexOf(f.Bytes) >= 0).Select(f => $"{p.Name} ({f.Name})")).ToList();
        Assert.True(hits.Count == 0, "The marker leaked into:\n" + string.Join("\n", hits));
    }

    /// <summary>The marker as UTF-8 and UTF-16 text, as hex (both cases) of each, and as base64 of each at every alignment.</summary>
    internal static List<(string Name, byte[] Bytes)> Forms(string secret)
    {
        var forms = new List<(string, byte[])>();
        foreach (var (encoding, bytes) in new[] { ("UTF-8", Encoding.UTF8.GetBytes(secret)), ("UTF-16", Encoding.Unicode.GetBytes(secret)) })
        {
            forms.Add(($"{encoding} plain", bytes));
            forms.Add(($"{encoding} hex", Encoding.ASCII.GetBytes(Convert.ToHexString(bytes))));
            forms.Add(($"{encoding} hex lower", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(bytes))));
            for (var shift = 0; shift < 3; shift++)
            {
                // Inside a longer base64 text the secret's bytes start at one of three offsets; the middle characters are fixed by it.
                var encoded = Convert.ToBase64String([.. new byte[shift], .. bytes]);
                forms.Add(($"{encoding} base64 +{shift}", Encoding.ASCII.GetBytes(encoded.Substring(4, encoded.Length - 8))));
            }
        }

        return forms;
    }

    /// <summary>A scan that cannot find is no proof: each form is found where it is embedded at any offset.</summary>
    internal static void AssertTheScanFindsEveryForm(List<(string Name, byte[] Bytes)> forms, string secret)
    {
        for (var prefix = 0; prefix < 3; prefix++)
        {
            var pad = new string('x', prefix);
            var utf8 = Encoding.UTF8.GetBytes($"{pad}{secret}{pad}");
            var utf16 = Encoding.Unicode.GetBytes($"{pad}{secret}{pad}");
            foreach (var sample in new[] { Convert.ToBase64String(utf8), Convert.ToBase64String(utf16), Convert.ToHexString(utf16), Convert.ToHexStringLower(utf8) })
            {
                var bytes = Encoding.ASCII.GetBytes($"<{sample}>");
                Assert.True(forms.Any(f => bytes.AsSpan().IndexOf(f.Bytes) >= 0), $"The scan misses {sample}");
            }
        }
    }

    private static async Task<string> PgDumpAsync(string connectionString)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(FindPgDump())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--no-owner", "--host", c.Host!, "--port", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", c.Username!, "--dbname", c.Database! })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGPASSWORD"] = c.Password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(FabricFixture.Deadline);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await stderr}");
        var dump = await stdout;
        Assert.Contains("shielding_data", dump);
        return dump;
    }

    private static string FindPgDump()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin", "pg_dump"))
            : [];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "pg_dump"));
        return candidates.Concat(onPath).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("pg_dump is not installed (it comes with the PostgreSQL server packages).");
    }
}
