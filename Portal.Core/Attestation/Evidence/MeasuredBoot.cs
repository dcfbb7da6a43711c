using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// PCR arithmetic of a measured boot, the way a TPM does it: each PCR (0–7, the boot PCRs) starts at 32 zero bytes and
/// every event extends it, <c>PCR = SHA-256(PCR ‖ eventDigest)</c>; the quoted value is the composite
/// <c>SHA-256(PCR0 ‖ … ‖ PCR7)</c>. HGS replays a host's log to check it matches the quoted composite
/// (TcgLogVerification), then compares the composite with allowed TPM baselines and reads the log to say which
/// setting broke policy.
/// </summary>
public static class MeasuredBoot
{
    public const int PcrCount = 8;

    public const int DigestLength = 32;

    /// <summary>Largest log accepted; a real boot log has a few hundred events.</summary>
    public const int MaxEvents = 1024;

    public static byte[] EventDigest(string type, string data) => SHA256.HashData(Encoding.UTF8.GetBytes(type + "\n" + data));

    /// <summary>Extends PCRs with every event's digest, exactly as recorded; returns the composite digest.</summary>
    public static byte[] CompositeDigest(IReadOnlyList<BootEvent> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var pcrs = new byte[PcrCount][];
        for (var i = 0; i < PcrCount; i++)
        {
            pcrs[i] = new byte[DigestLength];
        }

        Span<byte> buffer = stackalloc byte[DigestLength * 2];
        foreach (var entry in log)
        {
            if (entry.Pcr is < 0 or >= PcrCount)
            {
                throw new ArgumentException($"PCR {entry.Pcr} is not a boot PCR (0–{PcrCount - 1}).", nameof(log));
            }

            pcrs[entry.Pcr].CopyTo(buffer);
            Convert.FromHexString(entry.Digest).CopyTo(buffer[DigestLength..]);
            pcrs[entry.Pcr] = SHA256.HashData(buffer);
        }

        return SHA256.HashData(pcrs.SelectMany(pcr => pcr).ToArray());
    }

    /// <summary>
    /// Checks the log is internally consistent (each event's digest is the hash of what it says was measured) and
    /// replays to <paramref name="quotedComposite"/>. Returns null when it does, else why not.
    /// </summary>
    public static string? VerifyLog(IReadOnlyList<BootEvent> log, ReadOnlySpan<byte> quotedComposite)
    {
        if (log.Count is 0 or > MaxEvents)
        {
            return $"the boot log must have 1–{MaxEvents} events.";
        }

        foreach (var entry in log)
        {
            if (entry.Pcr is < 0 or >= PcrCount || entry.Type is null || entry.Data is null
                || entry.Digest is not { Length: DigestLength * 2 } || !entry.Digest.All(char.IsAsciiHexDigit))
            {
                return "a boot log event is malformed.";
            }

            if (!Convert.FromHexString(entry.Digest).AsSpan().SequenceEqual(EventDigest(entry.Type, entry.Data)))
            {
                return $"the boot log event '{entry.Type}' does not match its digest.";
            }
        }

        return CompositeDigest(log).AsSpan().SequenceEqual(quotedComposite)
            ? null
            : "the boot log does not replay to the PCR values the TPM quoted; it was altered.";
    }

    /// <summary>
    /// Which security settings the log shows off. A log whose composite is in no baseline but shows nothing off is
    /// reported as <see cref="AttestationSubStatus.TpmBaseline"/>.
    /// </summary>
    public static AttestationSubStatus Findings(IReadOnlyList<BootEvent> log)
    {
        var findings = AttestationSubStatus.None;
        foreach (var (type, expected, flag) in BootSettings.Expectations)
        {
            var measured = log.LastOrDefault(e => e.Type == type)?.Data;
            if (measured != expected)
            {
                findings |= flag;
            }
        }

        return findings == AttestationSubStatus.None ? AttestationSubStatus.TpmBaseline : findings;
    }
}
