using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>
/// Badge colours and words for VM, job and step states, in one place for every page. The colour is never the only
/// signal: the badge always says the state in words.
/// </summary>
public static class StateBadges
{
    public static BadgeColor For(VmState state) => state switch
    {
        VmState.Provisioning => BadgeColor.Informative,
        VmState.Running => BadgeColor.Success,
        VmState.Stopped => BadgeColor.Subtle,
        VmState.Failed => BadgeColor.Danger,
        VmState.Deleted => BadgeColor.Subtle,
    };

    public static BadgeColor For(JobState state) => state switch
    {
        JobState.Queued or JobState.Placing => BadgeColor.Informative,
        JobState.Running => BadgeColor.Brand,
        JobState.Succeeded => BadgeColor.Success,
        JobState.Failed => BadgeColor.Danger,
        JobState.Cancelled => BadgeColor.Subtle,
    };

    public static string Words(JobType type) => type switch
    {
        JobType.Create => "Create",
        JobType.Start => "Start",
        JobType.ShutDown => "Shut down",
        JobType.TurnOff => "Turn off",
        JobType.Restart => "Restart",
        JobType.Delete => "Delete",
    };

    public static string Words(JobStepState state) => state switch
    {
        JobStepState.Pending => "Pending",
        JobStepState.Running => "Running",
        JobStepState.Succeeded => "Succeeded",
        JobStepState.Failed => "Failed",
        JobStepState.Skipped => "Skipped",
    };

    /// <summary>"42 s", "3 min 5 s", "2 h 10 min"; "running for …" when unfinished.</summary>
    public static string Duration(DateTimeOffset? startedAt, DateTimeOffset? finishedAt, DateTimeOffset now)
    {
        if (startedAt is not { } start)
        {
            return "not started";
        }

        var span = (finishedAt ?? now) - start;
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var text = span switch
        {
            { TotalSeconds: < 60 } => $"{(int)span.TotalSeconds} s",
            { TotalMinutes: < 60 } => $"{(int)span.TotalMinutes} min {span.Seconds} s",
            _ => $"{(int)span.TotalHours} h {span.Minutes} min",
        };
        return finishedAt is null ? $"running for {text}" : text;
    }
}
