using System.Net;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>
/// The portal's job API as a recorder: keeps every report it accepted, in order. From the call that
/// <see cref="LoseLeaseWhen"/> picks on, it answers as the portal does for a host that lost the job (409).
/// </summary>
internal sealed class FakeJobChannel(TimeProvider time) : IJobChannel
{
    private readonly Lock _lock = new();
    private readonly List<object> _accepted = [];
    private readonly Queue<JobAssignment> _jobs = new();
    private readonly HashSet<object> _timedOut = [];
    private bool _lost;

    /// <summary>Picks the call (a report, or the string "lease" / "shielding-data") from which the lease is lost.</summary>
    public Func<object, bool>? LoseLeaseWhen { get; set; }

    /// <summary>Picks calls that get no answer in time, as an HTTP client's timeout reports it; each call at most once.</summary>
    public Func<object, bool>? TimeOutOnceWhen { get; set; }

    /// <summary>Completes at the first call that timed out.</summary>
    public TaskCompletionSource TimedOut { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a lease renewal is accepted.</summary>
    public TaskCompletionSource LeaseRenewed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs when a key protector arrives, before it is accepted.</summary>
    public Action<KeyProtectorReport>? OnKeyProtector { get; set; }

    public byte[] ShieldingData { get; set; } = TestShielding.Pdk;

    public TaskCompletionSource LeaseAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<object> Accepted
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    public IReadOnlyList<StepReport> Steps => Accepted.OfType<StepReport>().ToList();

    public IReadOnlyList<KeyProtectorReport> KeyProtectors => Accepted.OfType<KeyProtectorReport>().ToList();

    public JobCompletion? Completion => Accepted.OfType<JobCompletion>().SingleOrDefault();

    public int Refused { get; private set; }

    public void Enqueue(JobAssignment job)
    {
        lock (_lock)
        {
            _jobs.Enqueue(job);
        }
    }

    /// <summary>When set, a claim with no job queued is refused with this status (e.g. 401: the host was removed).</summary>
    public HttpStatusCode? RefuseClaimsWhenIdle { get; set; }

    public int Claims { get; private set; }

    public Task<JobAssignment?> ClaimAsync(TimeSpan wait, CancellationToken ct)
    {
        lock (_lock)
        {
            Claims++;
            if (_jobs.TryDequeue(out var job))
            {
                return Task.FromResult<JobAssignment?>(job);
            }
        }

        return RefuseClaimsWhenIdle is { } status
            ? throw new FabricRefusedException(status, "This host was removed from the fabric.")
            : WaitForNothingAsync(wait, ct);
    }

    private async Task<JobAssignment?> WaitForNothingAsync(TimeSpan wait, CancellationToken ct)
    {
        await Task.Delay(wait, time, ct);
        return null;
    }

    /// <summary>Runs when a step report arrives, before it is accepted.</summary>
    public Action<StepReport>? OnStep { get; set; }

    public Task<LeaseRenewal> ReportStepAsync(Guid jobId, StepReport report, CancellationToken ct)
    {
        OnStep?.Invoke(report);
        Accept(report);
        return Task.FromResult(new LeaseRenewal(time.GetUtcNow().AddMinutes(1)));
    }

    public Task<LeaseRenewal> RenewLeaseAsync(Guid jobId, long fencingToken, CancellationToken ct)
    {
        LeaseAsked.TrySetResult();
        Accept("lease");
        LeaseRenewed.TrySetResult();
        return Task.FromResult(new LeaseRenewal(time.GetUtcNow().AddMinutes(1)));
    }

    public Task ReportKeyProtectorAsync(Guid jobId, KeyProtectorReport report, CancellationToken ct)
    {
        OnKeyProtector?.Invoke(report);
        Accept(report);
        return Task.CompletedTask;
    }

    public Task<byte[]> GetShieldingDataAsync(Guid jobId, long fencingToken, CancellationToken ct)
    {
        Accept("shielding-data");
        return Task.FromResult((byte[])ShieldingData.Clone());
    }

    public Task CompleteAsync(Guid jobId, JobCompletion completion, CancellationToken ct)
    {
        Accept(completion);
        return Task.CompletedTask;
    }

    private void Accept(object call)
    {
        lock (_lock)
        {
            if (TimeOutOnceWhen?.Invoke(call) == true && _timedOut.Add(call))
            {
                TimedOut.TrySetResult();
                throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException());
            }

            _lost |= LoseLeaseWhen?.Invoke(call) == true;
            if (_lost)
            {
                Refused++;
                throw new LeaseLostException("The lease on this job has expired.");
            }

            _accepted.Add(call);
        }
    }
}
