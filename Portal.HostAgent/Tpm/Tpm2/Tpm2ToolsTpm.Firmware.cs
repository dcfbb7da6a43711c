using System.Security.Cryptography;

namespace Portal.HostAgent.Tpm.Tpm2;

public sealed partial class Tpm2ToolsTpm
{
    /// <summary>Where Linux exposes the firmware's measured boot log.</summary>
    public const string FirmwareEventLogPath = "/sys/kernel/security/tpm0/binary_bios_measurements";

    private const int ExtensionsPerCommand = 8;

    private static readonly int[] FirmwarePcrs = [0, 1, 2, 3, 4, 5, 6, 7];

    /// <summary>
    /// An swtpm has no firmware: after its start-up clear the agent measures the simulated boot, exactly once. A TPM whose
    /// firmware PCRs are already set (the agent restarted, the swtpm did not) keeps them; the same settings give the same log.
    /// </summary>
    private async Task<byte[]> PlayFirmwareAsync(CancellationToken ct)
    {
        var plan = _bootPlan();
        var firmware = await ReadPcrsAsync(FirmwarePcrs, ct);
        if (firmware.All(pcr => pcr.Value.AsSpan().IndexOfAnyExcept((byte)0) < 0))
        {
            foreach (var batch in plan.Measured.Chunk(ExtensionsPerCommand))
            {
                // One argument per event, applied in order (several may extend the same PCR).
                await Tool.RunAsync("tpm2_pcrextend", batch.Select(e => $"{e.Pcr}:sha256={Convert.ToHexString(e.Sha256Digest)}").ToList(), ct);
            }

            _logger.LogInformation("Measured the simulated firmware's {Count} events into {Tpm}", plan.Measured.Count, _description);
        }

        var expected = PcrReplay.Of(plan.Measured);
        var actual = await ReadPcrsAsync(expected.Keys.Order().ToList(), ct);
        var differing = expected.Where(e => !actual[e.Key].AsSpan().SequenceEqual(e.Value)).Select(e => e.Key).ToList();
        if (differing.Count > 0)
        {
            // Not an error here: HGS sees the quote disagree with the log and says so. Restarting the swtpm measures afresh.
            _logger.LogWarning("{Tpm}: PCRs {Pcrs} do not hold the boot these settings measure (measured earlier with other settings?); restart the swtpm to measure again",
                _description, string.Join(",", differing));
        }

        return plan.ReportedLog;
    }

    /// <summary>
    /// A real host's firmware measured its boot; the agent adds the code-integrity policy in its own PCR (once per boot:
    /// only while that PCR is zero) and reports it after the firmware's events.
    /// </summary>
    private async Task<byte[]> MeasureDeviceBootAsync(CancellationToken ct)
    {
        byte[] log;
        try
        {
            log = await File.ReadAllBytesAsync(FirmwareEventLogPath, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TpmException($"Cannot read the firmware's event log at {FirmwareEventLogPath}: {e.Message} (securityfs mounted? the agent needs root to read it).", e);
        }

        var policyEvents = _bootPlan().Measured.Where(e => e.Pcr == Core.Attestation.MeasuredBoot.PolicyPcrs.CodeIntegrity).ToList();
        var banks = CryptoAgileLog.Banks(log);
        var pcr = await ReadPcrsAsync([Core.Attestation.MeasuredBoot.PolicyPcrs.CodeIntegrity], ct);
        var measure = pcr.Values.Single().AsSpan().IndexOfAnyExcept((byte)0) < 0;
        foreach (var policy in policyEvents)
        {
            var digests = CryptoAgileLog.Digests(banks, policy);
            if (measure)
            {
                await Tool.RunAsync("tpm2_pcrextend", [$"{policy.Pcr}:{string.Join(",", digests.Select(d => $"{d.Name}={Convert.ToHexString(d.Digest)}"))}"], ct);
            }

            log = CryptoAgileLog.Append(log, policy, digests);
        }

        return log;
    }

    /// <summary>The SHA-256 bank's values of <paramref name="pcrs"/> (ascending, distinct).</summary>
    private async Task<SortedDictionary<int, byte[]>> ReadPcrsAsync(IReadOnlyList<int> pcrs, CancellationToken ct)
    {
        using var work = Tool.NewWorkFolder();
        await Tool.RunAsync("tpm2_pcrread", [$"sha256:{string.Join(",", pcrs)}", "-o", work.PathOf("pcrs.bin")], ct);
        var values = work.ReadAndDelete("pcrs.bin");
        if (values.Length != pcrs.Count * SHA256.HashSizeInBytes)
        {
            throw new TpmException($"tpm2_pcrread returned {values.Length} bytes for {pcrs.Count} SHA-256 PCRs; is the TPM's SHA-256 bank active?");
        }

        var result = new SortedDictionary<int, byte[]>();
        for (var i = 0; i < pcrs.Count; i++)
        {
            result[pcrs[i]] = values.AsSpan(i * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes).ToArray();
        }

        return result;
    }
}
