namespace Portal.Core.Subscriptions;

/// <summary>How many units of one add-on a subscription holds.</summary>
public sealed class SubscriptionAddOn
{
    private SubscriptionAddOn()
    {
    }

    public Guid AddOnId { get; private set; }

    public int Count { get; private set; }

    public DateTimeOffset AddedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    internal static SubscriptionAddOn Create(Guid addOnId, DateTimeOffset now) =>
        new() { AddOnId = addOnId, Count = 1, AddedAt = now, UpdatedAt = now };

    internal void Increment(DateTimeOffset now)
    {
        Count++;
        UpdatedAt = now;
    }

    internal void Decrement(DateTimeOffset now)
    {
        Count--;
        UpdatedAt = now;
    }
}
