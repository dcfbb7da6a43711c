using System.Globalization;
using System.Text;
using Portal.Core.Jobs;
using Portal.Web.Features.Jobs;

namespace Portal.Bench;

/// <summary>One finished create job: from its first step's start (the job claimed) to the guest specialised.</summary>
public sealed record VmCreateTiming(bool Shielded, TimeSpan Total, IReadOnlyDictionary<JobStepKind, TimeSpan> Steps)
{
    /// <summary>Time inside the job not in any step: reporting a step and starting the next, through the agent protocol.</summary>
    public TimeSpan BetweenSteps => Total - Steps.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    public static VmCreateTiming From(JobDto job, bool shielded)
    {
        var started = job.Steps.Where(s => s.StartedAt is not null).Min(s => s.StartedAt!.Value);
        var specialised = job.Steps.Single(s => s.Kind == JobStepKind.SpecializeGuest).FinishedAt
            ?? throw new InvalidOperationException($"The create job of {job.VmName} has no end for its guest specialisation.");
        var steps = job.Steps
            .Where(s => s.StartedAt is not null && s.FinishedAt is not null)
            .ToDictionary(s => s.Kind, s => s.FinishedAt!.Value - s.StartedAt!.Value);
        return new VmCreateTiming(shielded, specialised - started, steps);
    }
}

/// <summary>The VM benchmark's tables: simulated hypervisor (baseline) against QEMU, per kind of VM.</summary>
public static class VmTimingTables
{
    /// <summary>The steps whose time is QEMU's: qemu-img making the encrypted disk, the boot, the guest applying its specialisation.</summary>
    public static readonly JobStepKind[] QemuSteps = [JobStepKind.WriteDisk, JobStepKind.StartVm, JobStepKind.SpecializeGuest];

    public static string Render(IReadOnlyList<VmCreateTiming> simulated, IReadOnlyList<VmCreateTiming> qemu)
    {
        var text = new StringBuilder();
        text.AppendLine("| VMs | n | simulated: median (min–max) s | QEMU: median (min–max) s | QEMU ÷ simulated | QEMU boot share | all QEMU steps' share |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var shielded in new[] { true, false })
        {
            var sim = simulated.Where(t => t.Shielded == shielded).ToList();
            var real = qemu.Where(t => t.Shielded == shielded).ToList();
            if (real.Count == 0)
            {
                continue;
            }

            text.AppendLine(Invariant(
                $"| {Kind(shielded)} | {real.Count} | {Range(sim)} | {Range(real)} | {Ratio(Median(real.Select(t => t.Total)), Median(sim.Select(t => t.Total)))} | {Percent(Share(real, [JobStepKind.StartVm]))} | {Percent(Share(real, QemuSteps))} |"));
        }

        text.AppendLine();
        text.AppendLine("Per step, median ms (job claimed → guest specialised):");
        text.AppendLine();
        text.AppendLine("| Step | shielded, simulated | shielded, QEMU | regular, simulated | regular, QEMU |");
        text.AppendLine("|---|--:|--:|--:|--:|");
        var kinds = JobPlan.Steps(JobType.Create, shielded: true);
        foreach (var kind in kinds)
        {
            text.Append(Invariant($"| {kind}{(QemuSteps.Contains(kind) ? " (QEMU)" : "")} |"));
            foreach (var set in Columns(simulated, qemu))
            {
                var values = set.Where(t => t.Steps.ContainsKey(kind)).Select(t => t.Steps[kind]).ToList();
                text.Append(values.Count == 0 ? " — |" : Invariant($" {Median(values).TotalMilliseconds:N0} |"));
            }

            text.AppendLine();
        }

        text.Append("| between steps (step reports, claim hand-off) |");
        foreach (var set in Columns(simulated, qemu))
        {
            text.Append(set.Count == 0 ? " — |" : Invariant($" {Median(set.Select(t => t.BetweenSteps)).TotalMilliseconds:N0} |"));
        }

        text.AppendLine();
        text.Append("| **claimed → specialised** |");
        foreach (var set in Columns(simulated, qemu))
        {
            text.Append(set.Count == 0 ? " — |" : Invariant($" **{Median(set.Select(t => t.Total)).TotalMilliseconds:N0}** |"));
        }

        text.AppendLine();
        text.AppendLine();
        text.AppendLine("Where the time goes on QEMU (share of all measured jobs' claimed → specialised time):");
        text.AppendLine();
        text.AppendLine("| Part | shielded | regular |");
        text.AppendLine("|---|--:|--:|");
        var shieldedQemu = qemu.Where(t => t.Shielded).ToList();
        var regularQemu = qemu.Where(t => !t.Shielded).ToList();
        var portalSteps = kinds.Except(QemuSteps).ToArray();
        foreach (var (name, steps) in new (string, JobStepKind[])[]
        {
            ("QEMU: encrypted disk with qemu-img (WriteDisk)", [JobStepKind.WriteDisk]),
            ("QEMU: boot to the guest's ready line (StartVm)", [JobStepKind.StartVm]),
            ("QEMU: guest applies its specialisation (SpecializeGuest)", [JobStepKind.SpecializeGuest]),
            ("**QEMU, all**", QemuSteps),
            ("portal and HGS steps (fetch, verify, attest, shielding data, key protector, release)", portalSteps),
        })
        {
            text.AppendLine(Invariant($"| {name} | {Percent(Share(shieldedQemu, steps))} | {Percent(Share(regularQemu, steps))} |"));
        }

        text.AppendLine(Invariant(
            $"| between steps (step reports through the agent protocol) | {Percent(BetweenShare(shieldedQemu))} | {Percent(BetweenShare(regularQemu))} |"));
        return text.ToString();
    }

    private static IEnumerable<List<VmCreateTiming>> Columns(IReadOnlyList<VmCreateTiming> simulated, IReadOnlyList<VmCreateTiming> qemu) =>
    [
        simulated.Where(t => t.Shielded).ToList(), qemu.Where(t => t.Shielded).ToList(),
        simulated.Where(t => !t.Shielded).ToList(), qemu.Where(t => !t.Shielded).ToList(),
    ];

    private static string Kind(bool shielded) => shielded ? "shielded" : "regular";

    /// <summary>The steps' time over all jobs ÷ all jobs' total time; NaN without jobs.</summary>
    public static double Share(IReadOnlyCollection<VmCreateTiming> timings, IReadOnlyCollection<JobStepKind> steps)
    {
        var total = timings.Sum(t => t.Total.TotalMilliseconds);
        var part = timings.Sum(t => t.Steps.Where(s => steps.Contains(s.Key)).Sum(s => s.Value.TotalMilliseconds));
        return total > 0 ? part / total : double.NaN;
    }

    private static double BetweenShare(IReadOnlyCollection<VmCreateTiming> timings)
    {
        var total = timings.Sum(t => t.Total.TotalMilliseconds);
        return total > 0 ? timings.Sum(t => t.BetweenSteps.TotalMilliseconds) / total : double.NaN;
    }

    public static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Range(IReadOnlyList<VmCreateTiming> timings) => timings.Count == 0
        ? "—"
        : Invariant($"{Median(timings.Select(t => t.Total)).TotalSeconds:0.00} ({timings.Min(t => t.Total).TotalSeconds:0.00}–{timings.Max(t => t.Total).TotalSeconds:0.00})");

    private static string Ratio(TimeSpan value, TimeSpan baseline) =>
        baseline > TimeSpan.Zero ? Invariant($"{value / baseline:N1}×") : "—";

    private static string Percent(double share) => double.IsNaN(share) ? "—" : Invariant($"{share * 100:0.0} %");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
