using System.Text.Json.Serialization;

namespace Portal.Core.Jobs;

/// <summary>What a job does to its VM.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobType>))]
public enum JobType
{
    Create,
    Start,
    ShutDown,
    TurnOff,
    Restart,
    Delete,
}
