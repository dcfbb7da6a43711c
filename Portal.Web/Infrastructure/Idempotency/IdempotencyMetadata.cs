namespace Portal.Web.Infrastructure.Idempotency;

/// <summary>
/// Marks a create endpoint that honours the Idempotency-Key header. <see cref="StoredWithResource"/>: the endpoint
/// keeps the key itself, in the same transaction as what it creates (the VM create), so the shared records skip it.
/// </summary>
public sealed record IdempotencyMetadata(bool StoredWithResource = false)
{
    public const string HeaderName = "Idempotency-Key";

    public const string ReplayedHeaderName = "Idempotent-Replayed";
}
