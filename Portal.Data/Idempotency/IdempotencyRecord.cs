namespace Portal.Data.Idempotency;

/// <summary>
/// One Idempotency-Key of one caller: pending while its first request runs (<see cref="StatusCode"/> null), then the
/// response that request got, replayed to a repeat of the same request until <see cref="ExpiresAt"/>.
/// </summary>
public sealed class IdempotencyRecord
{
    public const int ScopeMaxLength = 64;
    public const int KeyMaxLength = 100;
    public const int RequestMaxLength = 300;
    public const int LocationMaxLength = 500;

    public Guid Id { get; set; }

    /// <summary>Whose key it is (the signed-in user): two callers may use the same key for different things.</summary>
    public string Scope { get; set; } = "";

    public string Key { get; set; } = "";

    /// <summary>Method and path of the first request, e.g. <c>POST /api/v1/subscriptions</c>.</summary>
    public string Request { get; set; } = "";

    /// <summary>SHA-256 (hex) of the method, path, content type and body: a different request under the same key is refused.</summary>
    public string RequestHash { get; set; } = "";

    public int? StatusCode { get; set; }

    public string? Location { get; set; }

    public string? ContentType { get; set; }

    public byte[]? Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
