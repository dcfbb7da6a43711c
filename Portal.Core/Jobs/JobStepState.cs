using System.Text.Json.Serialization;

namespace Portal.Core.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<JobStepState>))]
public enum JobStepState
{
    Pending,
    Running,
    Succeeded,
    Failed,

    /// <summary>Not needed this time, e.g. the VM was already off.</summary>
    Skipped,
}
