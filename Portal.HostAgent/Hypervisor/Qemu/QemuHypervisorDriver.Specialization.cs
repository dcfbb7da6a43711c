using System.Security.Cryptography;
using System.Text;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>First boot: the specialisation handed to the guest over its answer port, and the guest's answers.</summary>
public sealed partial class QemuHypervisorDriver
{
    /// <summary>
    /// Writes the header and the archive to the guest's answer port, checks the guest's receipt (SHA-256) and waits for its
    /// report. The serial console's marker lines count too, and QEMU's exit ends the wait.
    /// </summary>
    private async Task<string> HandOverAsync(RunningVm run, ReadOnlyMemory<byte> archive, IProgress<string> progress, CancellationToken ct)
    {
        using var socket = await UnixSockets.ConnectAsync(run.Folder.AnswerSocket, SocketTimeout, ct);
        await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        var expected = Convert.ToHexStringLower(SHA256.HashData(archive.Span));
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"TENANTPORTAL-SPECIALISATION 1 {archive.Length}\n"), ct);
        await stream.WriteAsync(archive, ct);
        await stream.FlushAsync(ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var fromPort = ReadAnswersAsync(stream, expected, archive.Length, progress, stop.Token);
        var finished = await Task.WhenAny(fromPort, run.Markers.Specialized);
        await stop.CancelAsync();
        return await finished;
    }

    private static async Task<string> ReadAnswersAsync(Stream stream, string expectedSha256, int length, IProgress<string> progress, CancellationToken ct)
    {
        var line = new List<byte>();
        var buffer = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                // The port closed without a report; the serial console's markers or QEMU's exit decide.
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }

            if (buffer[0] != (byte)'\n')
            {
                if (line.Count < 4096)
                {
                    line.Add(buffer[0]);
                }

                continue;
            }

            var text = Encoding.UTF8.GetString([.. line]).Trim();
            line.Clear();
            if (text.StartsWith("TENANTPORTAL-RECEIVED ", StringComparison.Ordinal))
            {
                var sha = text["TENANTPORTAL-RECEIVED ".Length..].Trim();
                if (!string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HypervisorException(HypervisorError.GuestFailed,
                        "The guest received different bytes than were sent (SHA-256 mismatch); its specialisation was not applied.");
                }

                progress.Report($"Handed the specialisation ({length} bytes) to the guest over its private channel; it confirmed receipt.");
            }
            else if (text.StartsWith(GuestMarkers.Specialised + " ", StringComparison.Ordinal))
            {
                return GuestMarkers.Field(text[GuestMarkers.Specialised.Length..].Trim(), "name") ?? "";
            }
            else if (text.StartsWith(GuestMarkers.Failed, StringComparison.Ordinal))
            {
                throw new HypervisorException(HypervisorError.GuestFailed,
                    $"The guest could not apply its specialisation: {GuestMarkers.Field(text[GuestMarkers.Failed.Length..].Trim(), "reason") ?? "no reason given"}.");
            }
        }
    }

    private async Task MarkSpecializedAsync(Guid vmId, CancellationToken ct)
    {
        lock (_lock)
        {
            _vms[vmId] = Get(vmId) with { Specialized = true };
        }

        await SaveAsync(vmId, ct);
    }
}
