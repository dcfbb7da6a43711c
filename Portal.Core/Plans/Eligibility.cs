namespace Portal.Core.Plans;

/// <summary>Whether an action is allowed, and if not, why (in words a person can act on).</summary>
public sealed record Eligibility(bool IsAllowed, string? Reason)
{
    public static Eligibility Allowed { get; } = new(true, null);

    public static Eligibility Denied(string reason) => new(false, reason);
}
