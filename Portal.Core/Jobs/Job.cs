using Portal.Core.Common;
using Portal.Core.VirtualMachines;

namespace Portal.Core.Jobs;

/// <summary>
/// One asynchronous operation on a VM: its ordered steps, the host it runs on, and the lease that host holds. Each
/// claim raises the fencing number; a report must carry the current one within the lease, so a host that lost the job
/// (lease expired, job given to another attempt) can no longer change it.
/// </summary>
public sealed class Job
{
    public const int IdempotencyKeyMaxLength = 100;
    public const int WaitingReasonMaxLength = 500;
    public const int RequestedByMaxLength = 256;
    public const int DefaultMaxAttempts = 3;

    private readonly List<JobStep> _steps = [];

    private Job()
    {
    }

    public Guid Id { get; private set; }

    public Guid TenantId { get; private set; }

    public Guid VmId { get; private set; }

    public JobType Type { get; private set; }

    public JobState State { get; private set; }

    public IReadOnlyList<JobStep> Steps => [.. _steps.OrderBy(s => s.Order)];

    /// <summary>The host the job is placed on or runs on; null while it waits for one.</summary>
    public Guid? HostId { get; private set; }

    /// <summary>How many times a host has claimed it.</summary>
    public int Attempt { get; private set; }

    public int MaxAttempts { get; private set; }

    /// <summary>Raised by every claim; reports carrying an older number are refused.</summary>
    public long FencingToken { get; private set; }

    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>After a lost lease the job waits until then before it is placed again (backoff).</summary>
    public DateTimeOffset? NotBefore { get; private set; }

    /// <summary>Why no host takes it yet, in words; null when it is not waiting.</summary>
    public string? WaitingReason { get; private set; }

    /// <summary>The last failure (kept while a retry waits, so watchers see why it is retrying).</summary>
    public JobError? Error => ErrorCode is null ? null : new JobError(ErrorStep, ErrorCode, ErrorMessage ?? "");

    public JobStepKind? ErrorStep { get; private set; }

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>The client's Idempotency-Key of the request that created it, unique per tenant.</summary>
    public string? IdempotencyKey { get; private set; }

    public string RequestedBy { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public DateTimeOffset StateChangedAt { get; private set; }

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>Done steps as a share of all steps, 0 to 100.</summary>
    public int Progress => IsFinished && State == JobState.Succeeded ? 100 : ProgressOf(_steps.Count(s => s.IsDone), _steps.Count);

    /// <summary>The progress of an unfinished job with <paramref name="doneSteps"/> of <paramref name="steps"/> done (a list reads only the counts).</summary>
    public static int ProgressOf(int doneSteps, int steps) => steps == 0 ? 0 : doneSteps * 100 / steps;

    public TimeSpan? Duration(DateTimeOffset now) => StartedAt is { } started ? (FinishedAt ?? now) - started : null;

    public static Job Create(JobType type, VirtualMachine vm, string requestedBy, string? idempotencyKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var job = new Job
        {
            Id = Guid.CreateVersion7(now),
            TenantId = vm.TenantId,
            VmId = vm.Id,
            Type = type,
            State = JobState.Queued,
            MaxAttempts = DefaultMaxAttempts,
            IdempotencyKey = idempotencyKey is null ? null : ValidateIdempotencyKey(idempotencyKey),
            RequestedBy = Truncate(requestedBy, RequestedByMaxLength),
            CreatedAt = now,
            StateChangedAt = now,
        };
        job._steps.AddRange(JobPlan.Steps(type, vm.Shielded).Select((kind, order) => JobStep.Pending(kind, order)));
        return job;
    }

    public static string ValidateIdempotencyKey(string key)
    {
        var trimmed = key.Trim();
        return trimmed.Length is 0 or > IdempotencyKeyMaxLength || trimmed.Any(char.IsControl)
            ? throw DomainValidationException.For("Idempotency-Key", $"An Idempotency-Key is 1 to {IdempotencyKeyMaxLength} printable characters.")
            : trimmed;
    }

    /// <summary>True when the placement loop may look at it now.</summary>
    public bool IsWaitingForHost(DateTimeOffset now) => State == JobState.Queued && (NotBefore is null || NotBefore <= now);

    /// <summary>Records why no host fits. Returns true when the reason changed (so watchers can be told).</summary>
    public bool Wait(string reason, DateTimeOffset now)
    {
        EnsureState(JobState.Queued, "wait for a host");
        var text = Truncate(reason, WaitingReasonMaxLength);
        if (WaitingReason == text)
        {
            return false;
        }

        WaitingReason = text;
        StateChangedAt = now;
        return true;
    }

    /// <summary>Queued → Placing on <paramref name="hostId"/>, whose capacity the job now counts against.</summary>
    public void Place(Guid hostId, DateTimeOffset now)
    {
        EnsureState(JobState.Queued, "be placed");
        HostId = hostId;
        WaitingReason = null;
        MoveTo(JobState.Placing, now);
    }

    /// <summary>
    /// Takes a placed job back from a host that can no longer claim it (it stopped responding, left the fabric, or — for
    /// a new VM — no longer takes new work): back to the queue without using an attempt.
    /// </summary>
    public void Unplace(string reason, DateTimeOffset now)
    {
        EnsureState(JobState.Placing, "be taken back from its host");
        HostId = null;
        WaitingReason = Truncate(reason, WaitingReasonMaxLength);
        MoveTo(JobState.Queued, now);
    }

    /// <summary>Placing → Running for the host it was placed on; returns the new fencing number.</summary>
    public long Claim(Guid hostId, TimeSpan lease, DateTimeOffset now)
    {
        EnsureState(JobState.Placing, "be claimed");
        if (HostId != hostId)
        {
            throw new LeaseLostException("This job is placed on another host.");
        }

        Attempt++;
        FencingToken++;
        LeaseExpiresAt = now + lease;
        StartedAt ??= now;
        _steps.ForEach(s => s.Reset());
        MoveTo(JobState.Running, now);
        return FencingToken;
    }

    /// <summary>Throws <see cref="LeaseLostException"/> unless <paramref name="hostId"/> holds the current lease.</summary>
    public void EnsureLease(Guid hostId, long fencingToken, DateTimeOffset now)
    {
        if (State != JobState.Running || HostId != hostId)
        {
            throw new LeaseLostException($"This host no longer holds job {Id} (it is {State}).");
        }

        if (fencingToken != FencingToken)
        {
            throw new LeaseLostException($"Fencing number {fencingToken} is stale; the job is at {FencingToken}.");
        }

        if (LeaseExpiresAt is not { } expiry || now > expiry)
        {
            throw new LeaseLostException("The lease on this job has expired.");
        }
    }

    /// <summary>Extends the lease of the host that holds it.</summary>
    public DateTimeOffset RenewLease(Guid hostId, long fencingToken, TimeSpan lease, DateTimeOffset now)
    {
        EnsureLease(hostId, fencingToken, now);
        LeaseExpiresAt = now + lease;
        return LeaseExpiresAt.Value;
    }

    /// <summary>Records a step's progress (and renews the lease); a step that ended keeps its end. A step the plan does not list is refused.</summary>
    public DateTimeOffset ReportStep(
        Guid hostId, long fencingToken, JobStepKind kind, JobStepState state, string? message, TimeSpan lease, DateTimeOffset now)
    {
        var renewed = RenewLease(hostId, fencingToken, lease, now);
        var step = _steps.Find(s => s.Kind == kind)
            ?? throw DomainValidationException.For("Step", $"A {Type} job has no step {kind}.");

        // A step's end stands for this attempt: a report of it arriving later (sent twice, or overtaken in flight by the
        // step's end) changes nothing.
        if (step.IsDone || step.State == JobStepState.Failed)
        {
            return renewed;
        }

        step.Move(state, message, now);
        StateChangedAt = now;
        return renewed;
    }

    public void Succeed(Guid hostId, long fencingToken, DateTimeOffset now)
    {
        EnsureLease(hostId, fencingToken, now);
        _steps.Where(s => s.State is JobStepState.Pending or JobStepState.Running).ToList()
            .ForEach(s => s.Move(JobStepState.Skipped, null, now));
        Finish(JobState.Succeeded, now);
    }

    /// <summary>
    /// The host gave up. A retryable failure with attempts left goes back to the queue (after a backoff); otherwise the
    /// job fails with <paramref name="error"/>.
    /// </summary>
    public void Fail(Guid hostId, long fencingToken, JobError error, bool retryable, TimeSpan backoff, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        EnsureLease(hostId, fencingToken, now);
        if (error.Step is { } failed && _steps.Find(s => s.Kind == failed) is { } step)
        {
            step.Move(JobStepState.Failed, error.Message, now);
        }

        SetError(error);
        if (retryable && Attempt < MaxAttempts)
        {
            Requeue(backoff, now);
        }
        else
        {
            Finish(JobState.Failed, now);
        }
    }

    /// <summary>True for a running job whose host stopped renewing its lease.</summary>
    public bool HasExpiredLease(DateTimeOffset now) => State == JobState.Running && LeaseExpiresAt is { } expiry && now > expiry;

    /// <summary>
    /// The reaper's act on an expired lease: back to the queue after a backoff while attempts remain, otherwise failed.
    /// The host that held it can no longer report (its fencing number is stale once the job is claimed again).
    /// </summary>
    public void ExpireLease(TimeSpan backoff, DateTimeOffset now)
    {
        if (!HasExpiredLease(now))
        {
            throw new StateConflictException($"Job {Id} has no expired lease.");
        }

        SetError(JobError.Of(RunningStep, "LeaseExpired",
            $"The host stopped reporting (attempt {Attempt} of {MaxAttempts}); its lease expired."));
        if (Attempt < MaxAttempts)
        {
            Requeue(backoff, now);
        }
        else
        {
            Finish(JobState.Failed, now);
        }
    }

    /// <summary>A job no host has claimed yet may be cancelled; one under way runs to its end.</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (State is not (JobState.Queued or JobState.Placing))
        {
            throw new StateConflictException($"The {Type} job is {State}; only a queued job can be cancelled.");
        }

        Finish(JobState.Cancelled, now);
    }

    /// <summary>A failed job goes back to the queue with fresh attempts.</summary>
    public void Restart(DateTimeOffset now)
    {
        if (State != JobState.Failed)
        {
            throw new StateConflictException($"The {Type} job is {State}; only a failed job can be restarted.");
        }

        Attempt = 0;
        SetError(null);
        FinishedAt = null;
        StartedAt = null;
        _steps.ForEach(s => s.Reset());
        Requeue(TimeSpan.Zero, now);
    }

    /// <summary>The portal finishes a job itself when no host is involved (e.g. deleting a VM that never got one).</summary>
    public void CompleteWithoutHost(DateTimeOffset now)
    {
        if (State is not (JobState.Queued or JobState.Placing))
        {
            throw new StateConflictException($"The {Type} job is {State} and cannot be completed by the portal.");
        }

        _steps.ForEach(s => s.Move(JobStepState.Skipped, "No host holds this VM.", now));
        Finish(JobState.Succeeded, now);
    }

    /// <summary>Fails a job that can never run, e.g. its VM's host was removed from the fabric.</summary>
    public void Abandon(JobError error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (State is not (JobState.Queued or JobState.Placing))
        {
            throw new StateConflictException($"The {Type} job is {State} and cannot be abandoned.");
        }

        SetError(error);
        Finish(JobState.Failed, now);
    }

    private JobStepKind? RunningStep => _steps.Find(s => s.State == JobStepState.Running)?.Kind;

    private void SetError(JobError? error)
    {
        ErrorStep = error?.Step;
        ErrorCode = error?.Code;
        ErrorMessage = error?.Message;
    }

    private void Requeue(TimeSpan backoff, DateTimeOffset now)
    {
        HostId = null;
        LeaseExpiresAt = null;
        NotBefore = backoff > TimeSpan.Zero ? now + backoff : null;
        WaitingReason = backoff > TimeSpan.Zero ? $"Retrying after a failed attempt, not before {now + backoff:u}." : null;
        MoveTo(JobState.Queued, now);
    }

    private void Finish(JobState state, DateTimeOffset now)
    {
        LeaseExpiresAt = null;
        WaitingReason = null;
        NotBefore = null;
        FinishedAt = now;
        MoveTo(state, now);
    }

    private void EnsureState(JobState expected, string action)
    {
        if (State != expected)
        {
            throw new StateConflictException($"The {Type} job is {State} and cannot {action}.");
        }
    }

    private void MoveTo(JobState next, DateTimeOffset now)
    {
        State = next;
        StateChangedAt = now;
    }

    private static string Truncate(string? text, int max)
    {
        var value = text?.Trim() ?? "";
        return value.Length > max ? value[..max] : value;
    }
}
