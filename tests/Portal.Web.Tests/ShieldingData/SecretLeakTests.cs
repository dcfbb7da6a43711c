using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Portal.Core.Shielding.DataFiles;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.ShieldingData;

/// <summary>
/// The portal's promise: it stores a tenant's shielding data and never holds its secrets in the clear. After an upload,
/// neither a full dump of the database nor any log line contains the administrator password or the answer file.
/// </summary>
public sealed class SecretLeakTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task AfterUploadListAndFailedUploads_NeitherADatabaseDumpNorTheLogsContainTheSecrets()
    {
        var password = $"Pw-{Convert.ToHexString(RandomNumberGenerator.GetBytes(12))}";
        var answerMarker = $"Answer-{Convert.ToHexString(RandomNumberGenerator.GetBytes(12))}";
        var answerFile = $"<unattend><AdministratorPassword>{answerMarker}</AdministratorPassword>@ComputerName@</unattend>";
        var pdk = ShieldingFiles.Pdk(password, answerFile);
        Assert.Equal(password, ShieldingDataFile.Read(pdk).Open(TestFabric.Guardian).AdministratorPassword);

        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        var created = await OffersApi.CreatedAsync<ShieldingDataDto>(
            await tenant.PostAsync("/api/v1/shielding-data", ShieldingFiles.Form(pdk, "Leak check", "secrets inside")));
        await tenant.GetItemsAsync<ShieldingDataDto>("/api/v1/shielding-data");
        await tenant.GetAsync<ShieldingDataDto>($"/api/v1/shielding-data/{created.Id}");
        var damaged = (byte[])pdk.Clone();
        damaged[^1] ^= 1;
        Assert.Equal(System.Net.HttpStatusCode.BadRequest,
            (await tenant.PostAsync("/api/v1/shielding-data", ShieldingFiles.Form(damaged, "Damaged"))).StatusCode);

        var dump = await PgDumpAsync(factory.Database.ConnectionString);
        var logs = factory.Logs.Text;

        // The dump and logs are real: they hold the stored file and the upload.
        Assert.Contains(Convert.ToHexString(pdk.AsSpan(0, 48)).ToLowerInvariant(), dump);
        Assert.Contains("Leak check", dump);
        Assert.Contains(created.Id.ToString(), logs);
        Assert.Contains("SignatureInvalid", logs);

        foreach (var secret in new[] { password, answerMarker })
        {
            foreach (var form in Forms(secret))
            {
                Assert.False(dump.Contains(form, StringComparison.OrdinalIgnoreCase), $"The database dump contains a form of a secret: {form}");
                Assert.False(logs.Contains(form, StringComparison.OrdinalIgnoreCase), $"The logs contain a form of a secret: {form}");
            }
        }
    }

    /// <summary>The secret as text, and its UTF-8 and UTF-16 bytes as hex and base64 (every base64 alignment).</summary>
    private static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret) })
        {
            yield return Convert.ToHexString(bytes);
            for (var shift = 0; shift < 3; shift++)
            {
                // Base64 of the secret inside a longer text depends on its offset; the middle part is stable for each.
                var padded = new byte[shift].Concat(bytes).ToArray();
                var encoded = Convert.ToBase64String(padded);
                yield return encoded.Substring(4, encoded.Length - 8);
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
        foreach (var arg in new[] { "--no-owner", "--host", c.Host!, "--port", c.Port.ToString(), "--username", c.Username!, "--dbname", c.Database! })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGPASSWORD"] = c.Password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
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
