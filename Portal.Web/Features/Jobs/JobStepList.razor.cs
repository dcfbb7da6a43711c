using Microsoft.AspNetCore.Components;
using Portal.Core.Jobs;
using Portal.Web.Features.VirtualMachines;

namespace Portal.Web.Features.Jobs;

/// <summary>A job's ordered steps, each with its state in words and an icon; a failed step says why.</summary>
public partial class JobStepList
{
    [Parameter, EditorRequired]
    public IReadOnlyList<JobStepDto> Steps { get; set; } = [];

    /// <summary>The job's error; its message is shown on the step it names when that step carries none.</summary>
    [Parameter]
    public JobErrorDto? Error { get; set; }

    [Parameter]
    public string Label { get; set; } = "Steps";

    private string? FailureMessage(JobStepDto step) =>
        !string.IsNullOrEmpty(step.Message) ? step.Message
        : Error is { } error && (error.Step is null || error.Step == step.Kind) ? error.Message
        : null;

    private static string Timing(JobStepDto step) => step.State switch
    {
        JobStepState.Succeeded or JobStepState.Failed when step.StartedAt is { } start && step.FinishedAt is { } end =>
            $" · {StateBadges.Duration(start, end, end)}",
        _ => "",
    };

    private static string Css(JobStepState state) => state switch
    {
        JobStepState.Pending => "pending",
        JobStepState.Running => "running",
        JobStepState.Succeeded => "succeeded",
        JobStepState.Failed => "failed",
        JobStepState.Skipped => "skipped",
    };
}
