using System.Diagnostics.Metrics;
using Portal.Core.Jobs;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// The job queue's metrics (meter <see cref="MeterName"/>): jobs entering each state as hosts claim and finish them, and
/// how long a job waited from its creation until a host claimed it.
/// </summary>
public sealed class JobMetrics
{
    public const string MeterName = "TenantPortal.Jobs";

    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _queueWait;

    public JobMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _transitions = meter.CreateCounter<long>("tenantportal.jobs.transitions", "{job}", "Jobs entering a state, by state and type.");
        _queueWait = meter.CreateHistogram<double>("tenantportal.jobs.queue_wait", "s", "Time from a job's creation until a host claimed it.");
    }

    public void Claimed(Job job, DateTimeOffset now)
    {
        _queueWait.Record((now - job.CreatedAt).TotalSeconds, new KeyValuePair<string, object?>("job.type", job.Type.ToString()));
        Entered(job);
    }

    public void Entered(Job job) =>
        _transitions.Add(1,
            new KeyValuePair<string, object?>("job.state", job.State.ToString()),
            new KeyValuePair<string, object?>("job.type", job.Type.ToString()));
}
