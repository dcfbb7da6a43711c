using System.Security.Cryptography;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>Makes a VM's LUKS-encrypted qcow2 disk from its template with qemu-img, the passphrase given on its stdin.</summary>
internal static class QemuDiskImage
{
    private const int Attempts = 5;

    /// <summary>
    /// <c>qemu-img convert -O qcow2 -o encrypt.format=luks,encrypt.key-secret=s0 --object secret,id=s0,file=/dev/stdin</c>:
    /// the passphrase reaches qemu-img through a pipe, never a file or its argument list. qemu-img 7.2 times the LUKS PBKDF
    /// with the thread's CPU clock and now and then fails with "Unable to get accurate CPU usage": tried again, a few times.
    /// </summary>
    public static async Task CreateAsync(
        string qemuImg, string templatePath, string diskPath, ReadOnlyMemory<byte> passphrase, int iterTimeMilliseconds, CancellationToken ct)
    {
        string[] arguments =
        [
            "convert", "-q", "-f", "qcow2", "-O", "qcow2",
            "--object", "secret,id=s0,file=/dev/stdin",
            "-o", $"encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time={iterTimeMilliseconds}",
            templatePath, diskPath,
        ];
        for (var attempt = 1; ; attempt++)
        {
            using var process = ChildProcess.Start("qemu-img", qemuImg, arguments);
            try
            {
                await process.WriteInputAndCloseAsync(passphrase, ct);
                await process.Exited.WaitAsync(ct);
            }
            finally
            {
                await process.StopAsync();
            }

            if (process.ExitCode == 0)
            {
                return;
            }

            File.Delete(diskPath);
            var output = process.OutputTail;
            if (attempt >= Attempts || !output.Contains("Unable to get accurate CPU usage", StringComparison.Ordinal))
            {
                throw new HypervisorException(HypervisorError.HypervisorFailed, $"qemu-img could not write the VM's encrypted disk: {output}");
            }
        }
    }

    /// <summary>SHA-384 of a file, hex.</summary>
    public static async Task<string> Sha384Async(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return Convert.ToHexString(await SHA384.HashDataAsync(file, ct));
    }
}
