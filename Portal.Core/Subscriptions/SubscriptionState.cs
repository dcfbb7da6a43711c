namespace Portal.Core.Subscriptions;

public enum SubscriptionState
{
    Active,

    /// <summary>Kept, but nothing new may be created or started until the provider resumes it.</summary>
    Suspended,

    /// <summary>Cancelled for good; final.</summary>
    Deleted,
}
