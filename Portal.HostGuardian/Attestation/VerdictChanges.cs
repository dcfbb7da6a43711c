using System.Collections.Concurrent;
using Portal.Core.Attestation;

namespace Portal.HostGuardian.Attestation;

/// <summary>
/// The last verdict per host name, so a host retrying with the same result is logged once, when the result changes.
/// Bounded: past <see cref="Capacity"/> names it forgets them all (a few repeated lines, never unbounded memory).
/// </summary>
public sealed class VerdictChanges
{
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, (AttestationStatus, AttestationSubStatus)> _last = new(StringComparer.Ordinal);

    /// <summary>True when this verdict differs from the host's previous one, or is its first.</summary>
    public bool Changed(string hostName, AttestationStatus status, AttestationSubStatus subStatus)
    {
        if (_last.Count >= Capacity)
        {
            _last.Clear();
        }

        var verdict = (status, subStatus);
        var changed = !_last.TryGetValue(hostName, out var previous) || previous != verdict;
        _last[hostName] = verdict;
        return changed;
    }
}
