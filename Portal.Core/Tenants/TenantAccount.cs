using Portal.Core.Common;

namespace Portal.Core.Tenants;

/// <summary>A tenant's account: the unit of isolation that owns subscriptions, shielding data and VMs.</summary>
public sealed class TenantAccount : IVersioned
{
    public const int NameMaxLength = 100;

    private TenantAccount()
    {
    }

    public Guid Id { get; private set; }

    public long Version { get; private set; }

    public string Name { get; private set; } = "";

    public TenantState State { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? SuspendedAt { get; private set; }

    public static TenantAccount Create(string name, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Name = Guard.Text(name, "Organization", 2, NameMaxLength),
        State = TenantState.Active,
        CreatedAt = now,
    };

    public void Suspend(DateTimeOffset now)
    {
        if (State == TenantState.Suspended)
        {
            throw new StateConflictException($"Tenant '{Name}' is already suspended.");
        }

        State = TenantState.Suspended;
        SuspendedAt = now;
    }

    public void Resume()
    {
        if (State == TenantState.Active)
        {
            throw new StateConflictException($"Tenant '{Name}' is not suspended.");
        }

        State = TenantState.Active;
        SuspendedAt = null;
    }

    /// <summary>Refuses new operations of a suspended tenant; what already exists keeps its data.</summary>
    public void EnsureActive()
    {
        if (State == TenantState.Suspended)
        {
            throw new StateConflictException(
                $"Tenant account '{Name}' is suspended; nothing new can be created or changed until the provider resumes it.");
        }
    }
}
