namespace Portal.Data.Cluster;

/// <summary>
/// The wire form of a <see cref="ClusterMessage"/> in a PostgreSQL notification: <c>topic|sender|receipt|body</c>,
/// the receipt empty unless the sender waits for every process to confirm the message.
/// </summary>
public static class ClusterMessageCodec
{
    /// <summary>The PostgreSQL channel every portal process listens on.</summary>
    public const string Channel = "tenantportal";

    // PostgreSQL refuses a payload of 8,000 bytes or more.
    public const int MaxBodyLength = 7000;

    public static string Encode(string topic, Guid senderId, string body, Guid? receipt = null)
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

        return $"{topic}|{senderId:N}|{receipt:N}|{body}";
    }

    /// <summary>The message, or null for a payload that is not ours (anyone with access may NOTIFY the channel).</summary>
    public static ClusterMessage? Decode(string payload)
    {
        var parts = payload.Split('|', 4);
        if (parts.Length != 4 || parts[0].Length == 0 || !Guid.TryParseExact(parts[1], "N", out var sender))
        {
            return null;
        }

        Guid? receipt = null;
        if (parts[2].Length > 0)
        {
            if (!Guid.TryParseExact(parts[2], "N", out var id))
            {
                return null;
            }

            receipt = id;
        }

        return new ClusterMessage(parts[0], sender, parts[3]) { Receipt = receipt };
    }
}
