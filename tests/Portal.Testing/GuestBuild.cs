using System.Diagnostics;

namespace Portal.Testing;

/// <summary>
/// The guest the QEMU tests boot: <c>TENANTPORTAL_GUEST_DIR</c> when set, otherwise <c>guest/build.sh guest/out</c> run once
/// per test process, however many collections ask for it at once (the script is cached: ≈ 2 s when up to date). Fails
/// with a clear message where QEMU is not installed.
/// </summary>
public sealed class GuestBuild
{
    public const string Collection = "QEMU guests";

    // Two fixtures building into one folder at once would trip over each other's files.
    private static readonly Lazy<string> Built = new(Build);

    public GuestBuild()
    {
        foreach (var binary in new[] { "qemu-system-x86_64", "qemu-img", "swtpm" })
        {
            if (!OnPath(binary))
            {
                throw new InvalidOperationException(
                    $"{binary} is not installed; the QEMU driver's tests need qemu-system-x86, qemu-utils, swtpm, busybox-static and cpio (apt-get install).");
            }
        }

        Folder = Environment.GetEnvironmentVariable("TENANTPORTAL_GUEST_DIR") is { Length: > 0 } given ? Path.GetFullPath(given) : Build();
        foreach (var file in new[] { "vmlinuz", "initrd.gz", "template.qcow2", "template.sha384" })
        {
            if (!File.Exists(Path.Combine(Folder, file)))
            {
                throw new InvalidOperationException($"The guest build in {Folder} has no {file}.");
            }
        }

        TemplatePath = Path.Combine(Folder, "template.qcow2");
        TemplateSha384 = File.ReadAllText(Path.Combine(Folder, "template.sha384")).Trim();
    }

    public string Folder { get; }

    public string TemplatePath { get; }

    public string TemplateSha384 { get; }

    private static string Build()
    {
        var root = RepositoryRoot();
        var output = Path.Combine(root, "guest", "out");
        using var build = Process.Start(new ProcessStartInfo(Path.Combine(root, "guest", "build.sh"))
        {
            ArgumentList = { output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = build.StandardOutput.ReadToEndAsync();
        var stderr = build.StandardError.ReadToEndAsync();
        if (!build.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            build.Kill();
            throw new InvalidOperationException("guest/build.sh did not finish within 5 minutes.");
        }

        return build.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"guest/build.sh failed ({build.ExitCode}): {stdout.Result}\n{stderr.Result}");
    }

    private static bool OnPath(string binary) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, binary)));

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TenantPortal.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (TenantPortal.sln) was not found above the test's folder.");
    }
}
