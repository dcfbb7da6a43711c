using System.Security.Cryptography;
using System.Text;
using Portal.Core.Shielding.Binary;

namespace Portal.Core.Auditing;

/// <summary>
/// How audit entries are chained. An entry's hash is SHA-256 over an unambiguous encoding of its place in the chain,
/// the hash of the entry before it and every field it records; the first entry links to <see cref="GenesisHash"/>.
/// Changing any field of an entry, removing one or reordering them breaks the chain at that entry.
/// </summary>
/// <remarks>
/// The encoding, in order: the label <c>tenantportal-audit-v1</c>; the sequence as a big-endian int64; the previous hash (as text);
/// the time as big-endian int64 microseconds since 1970-01-01 UTC; the actor's id; the actor's name; the tenant's id;
/// the action; the target; the remote address. A text is a big-endian uint32 byte count and its UTF-8 bytes; an
/// optional value is one byte, 0 (absent) or 1 followed by the value; an id is its 16 bytes in RFC 4122 order.
/// </remarks>
public static class AuditChain
{
    /// <summary>What the first entry links to: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', HashLength);

    /// <summary>A hash is 64 lowercase hexadecimal characters (32 bytes).</summary>
    public const int HashLength = 64;

    private const string Label = "tenantportal-audit-v1";

    /// <summary>The hash <paramref name="entry"/> must carry; its own <see cref="ChainedAuditEntry.Hash"/> is not read.</summary>
    public static string ComputeHash(ChainedAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Convert.ToHexStringLower(SHA256.HashData(Encode(entry)));
    }

    /// <summary>The bytes the hash is taken over: <see cref="LabelEncoding"/>, the link, then <see cref="EncodeRecord"/>.</summary>
    public static byte[] Encode(ChainedAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var writer = new FormatWriter();
        Text(writer, Label);
        writer.WriteInt64(entry.Sequence);
        Text(writer, entry.PreviousHash);
        writer.WriteFixed(EncodeRecord(entry.At, entry.ActorId, entry.ActorName, entry.TenantId, entry.Action, entry.Target, entry.RemoteAddress));
        return writer.ToArray();
    }

    /// <summary>The bytes before an entry's link: the label, as a text.</summary>
    public static byte[] LabelEncoding()
    {
        var writer = new FormatWriter();
        Text(writer, Label);
        return writer.ToArray();
    }

    /// <summary>
    /// The bytes after an entry's link: everything it records. They do not depend on the entry's place, so a store can
    /// encode them before it knows the place and link the entry where the head is, with the hash taken over
    /// <see cref="LabelEncoding"/> ‖ the place (big-endian int64) ‖ the previous hash (as a text) ‖ these bytes.
    /// </summary>
    public static byte[] EncodeRecord(
        DateTimeOffset at, Guid? actorId, string actorName, Guid? tenantId, string action, string target, string? remoteAddress)
    {
        var writer = new FormatWriter();
        writer.WriteInt64(Microseconds(at));
        OptionalId(writer, actorId);
        Text(writer, actorName);
        OptionalId(writer, tenantId);
        Text(writer, action);
        Text(writer, target);
        writer.WriteByte(remoteAddress is null ? (byte)0 : (byte)1);
        if (remoteAddress is not null)
        {
            Text(writer, remoteAddress);
        }

        return writer.ToArray();
    }

    /// <summary>
    /// A moment as an entry records it: in UTC, to the millisecond. PostgreSQL keeps microseconds and SQLite a tenth of
    /// a millisecond; a millisecond survives both exactly, so an entry read back hashes as it did when written.
    /// </summary>
    public static DateTimeOffset Timestamp(DateTimeOffset now) =>
        new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static long Microseconds(DateTimeOffset at) =>
        (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    // Encoding.UTF8 replaces a lone surrogate, as both databases do when they store one: read back, it hashes the same.
    private static void Text(FormatWriter writer, string text) => writer.WriteBytes32(Encoding.UTF8.GetBytes(text));

    private static void OptionalId(FormatWriter writer, Guid? value)
    {
        writer.WriteByte(value is null ? (byte)0 : (byte)1);
        if (value is { } id)
        {
            Span<byte> bytes = stackalloc byte[16];
            id.TryWriteBytes(bytes, bigEndian: true, out _);
            writer.WriteFixed(bytes);
        }
    }
}
