namespace Portal.Data.Cluster;

/// <summary>The wire form of a <see cref="ClusterMessage"/> in a PostgreSQL notification: <c>topic|sender|body</c>.</summary>
public static class ClusterMessageCodec
{
    /// <summary>The PostgreSQL channel every portal process listens on.</summary>
    public const string Channel = "tenantportal";

    // PostgreSQL refuses a payload of 8,000 bytes or more.
    public const int MaxBodyLength = 7000;

    public static string Encode(string topic, Guid senderId, string body)
    {
        if (string.IsNullOrEmpty(topic) || topic.Contains('|', StringComparison.Ordinal))
        {
            throw new ArgumentException("A topic is a non-empty word without '|'.", nameof(topic));
        }

        ArgumentNullException.ThrowIfNull(body);
        if (body.Length > MaxBodyLength)
        {
            throw new ArgumentException($"A cluster message body is at most {MaxBodyLength} characters.", nameof(body));
        }

        return $"{topic}|{senderId:N}|{body}";
    }

    /// <summary>The message, or null for a payload that is not ours (anyone with access may NOTIFY the channel).</summary>
    public static ClusterMessage? Decode(string payload)
    {
        var parts = payload.Split('|', 3);
        return parts.Length == 3 && parts[0].Length > 0 && Guid.TryParseExact(parts[1], "N", out var sender)
            ? new ClusterMessage(parts[0], sender, parts[2])
            : null;
    }
}
