using System.Globalization;
using Portal.Core.Attestation;

namespace Portal.Core.Fabric.Placement;

/// <summary>
/// Chooses a host for a new VM: Active, responsive, with room for the VM after everything already placed there, and —
/// for a shielded VM — holding a verified, unexpired health certificate. Among the hosts that fit it spreads load: the
/// host with the fewest jobs in flight, so a job never queues behind another while a host stands idle, then the one
/// left with the largest free share of its tightest resource. When none fits it counts the causes:
/// "No host fits: 1 failed attestation (SecureBoot), 2 lack 8 GiB free memory."
/// </summary>
public static class Placement
{
    public static PlacementDecision ChooseHost(HostResources size, bool shielded, IReadOnlyCollection<HostCandidate> hosts)
    {
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(hosts);
        var live = hosts.Where(h => h.State != HostState.Removed).ToList();
        if (live.Count == 0)
        {
            return PlacementDecision.Wait("No host fits: the fabric has no guarded hosts yet.");
        }

        var causes = new List<Cause>();
        var fitting = new List<HostCandidate>();
        foreach (var host in live)
        {
            if (WhyNot(host, size, shielded) is { } cause)
            {
                causes.Add(cause);
            }
            else
            {
                fitting.Add(host);
            }
        }

        if (fitting.Count > 0)
        {
            return PlacementDecision.On(fitting
                .OrderBy(h => h.JobsInFlight)
                .ThenByDescending(h => TightestFreeShare(h, size))
                .ThenBy(h => h.Name, StringComparer.Ordinal)
                .First());
        }

        var summary = causes
            .GroupBy(c => c)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key.Order)
            .Select(g => g.Key.Describe(g.Count()));
        return PlacementDecision.Wait($"No host fits: {string.Join(", ", summary)}.");
    }

    /// <summary>
    /// Whether the host a VM already lives on can take a job for it now (capacity is already counted). A host that is
    /// not responding makes the job wait; a shielded start on a host that lost attestation is still sent, so the host
    /// asks HGS and the job fails with HGS's reason.
    /// </summary>
    public static PlacementDecision CheckVmHost(HostCandidate? host)
    {
        if (host is null || host.State == HostState.Removed)
        {
            return PlacementDecision.Wait("The VM's host has been removed from the fabric.");
        }

        if (host.State == HostState.Pending || !host.Responsive)
        {
            return PlacementDecision.Wait("Waiting for the VM's host: it is not responding.");
        }

        return PlacementDecision.On(host);
    }

    /// <summary>
    /// Why a job placed on <paramref name="host"/> but not yet claimed must be taken back, or null when it may stay: the
    /// host left or stopped responding; a new VM also leaves a host that stopped taking new work.
    /// </summary>
    public static string? WhyTakeBack(HostCandidate? host, bool newVm)
    {
        if (host is null || host.State == HostState.Removed)
        {
            return "Its host left the fabric before taking the job; placing it again.";
        }

        if (!host.Responsive)
        {
            return "Its host stopped responding before taking the job; placing it again.";
        }

        return newVm && host.State != HostState.Active
            ? $"Its host stopped taking new work ({host.State}) before taking the job; placing it again."
            : null;
    }

    private static Cause? WhyNot(HostCandidate host, HostResources size, bool shielded)
    {
        switch (host.State)
        {
            case HostState.Pending:
                return new Cause(0, "is waiting for its first heartbeat", "are waiting for their first heartbeat");
            case HostState.Draining:
                return new Cause(1, "is draining", "are draining");
            case HostState.Maintenance:
                return new Cause(2, "is in maintenance", "are in maintenance");
            case HostState.Removed:
                return new Cause(3, "was removed", "were removed");
            case HostState.Active:
                break;
        }

        if (!host.Responsive)
        {
            return new Cause(4, "is not responding", "are not responding");
        }

        if (shielded && !host.HealthyForShieldedVms)
        {
            var what = AttestationCause(host.Attestation, host.SubStatus);
            return new Cause(5, what, what);
        }

        var free = host.Free;
        if (free.Vcpus < size.Vcpus)
        {
            return Lacks(6, $"{size.Vcpus} free vCPUs");
        }

        if (free.MemoryGiB < size.MemoryGiB)
        {
            return Lacks(7, $"{size.MemoryGiB} GiB free memory");
        }

        return free.StorageGiB < size.StorageGiB ? Lacks(8, $"{size.StorageGiB} GiB free storage") : null;
    }

    private static string AttestationCause(AttestationStatus status, AttestationSubStatus subStatus) => status switch
    {
        AttestationStatus.Passed => "has no valid health certificate",
        AttestationStatus.Expired => "has an expired health certificate",
        AttestationStatus.TransientError => "could not reach HGS",
        AttestationStatus.NotConfigured => "is not set up for attestation",
        AttestationStatus.UnauthorizedHost => "is not authorised by HGS",
        AttestationStatus.InsecureHostConfiguration or AttestationStatus.TpmError =>
            subStatus == AttestationSubStatus.None
                ? $"failed attestation ({status})"
                : $"failed attestation ({subStatus})",
    };

    private static Cause Lacks(int order, string what) => new(order, $"lacks {what}", $"lack {what}");

    private static double TightestFreeShare(HostCandidate host, HostResources size)
    {
        static double Share(int capacity, int committed, int asked) =>
            capacity == 0 ? 0 : (capacity - committed - asked) / (double)capacity;

        return Math.Min(
            Share(host.Capacity.Vcpus, host.Committed.Vcpus, size.Vcpus),
            Math.Min(Share(host.Capacity.MemoryGiB, host.Committed.MemoryGiB, size.MemoryGiB),
                Share(host.Capacity.StorageGiB, host.Committed.StorageGiB, size.StorageGiB)));
    }

    private sealed record Cause(int Order, string One, string Many)
    {
        public string Describe(int count) => string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? One : Many)}");
    }
}
