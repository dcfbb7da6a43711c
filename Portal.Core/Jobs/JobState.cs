using System.Text.Json.Serialization;

namespace Portal.Core.Jobs;

/// <summary>Where a job stands. Succeeded, Failed and Cancelled are final (a failed job may be restarted).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    /// <summary>Waiting for a host; <see cref="Job.WaitingReason"/> says why when none fits.</summary>
    Queued,

    /// <summary>Placed on a host, whose capacity it now holds; that host's agent has not claimed it yet.</summary>
    Placing,

    /// <summary>Claimed by the host's agent under a lease; its steps are under way.</summary>
    Running,

    Succeeded,

    Failed,

    Cancelled,
}
