namespace Portal.HostGuardian.Store;

/// <summary>A challenge nonce: accepted once (<see cref="UsedAt"/> set atomically) and only before it expires.</summary>
public sealed class IssuedNonce
{
    public required byte[] Nonce { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
