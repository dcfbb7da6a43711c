using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent;

/// <summary>What the agent's own loop knows right now; for its logs, the embedded fabric and tests.</summary>
public sealed class HostAgentStatus
{
    private readonly Lock _lock = new();

    public Guid? HostId { get; private set; }

    public DateTimeOffset? LastHeartbeatAt { get; private set; }

    public HeartbeatResponse? LastAnswer { get; private set; }

    /// <summary>Set when the agent gave up for good (no token, token refused, host removed).</summary>
    public string? StoppedBecause { get; private set; }

    public event Action? Changed;

    internal void Joined(Guid hostId) => Update(() => HostId = hostId);

    internal void Beat(HeartbeatResponse answer, DateTimeOffset at) => Update(() =>
    {
        LastAnswer = answer;
        LastHeartbeatAt = at;
    });

    internal void Stopped(string reason) => Update(() => StoppedBecause = reason);

    private void Update(Action change)
    {
        lock (_lock)
        {
            change();
        }

        Changed?.Invoke();
    }
}
