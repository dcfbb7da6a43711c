using System.Buffers.Binary;
using System.Text;

namespace Portal.Core.Shielding.Binary;

/// <summary>
/// Reads the big-endian, length-prefixed fields of the binary shielding formats. Every length is checked against a
/// maximum and against the bytes that remain before anything is sliced, so a hostile file can neither read past its
/// end nor make us allocate more than it is long.
/// </summary>
internal ref struct FormatReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly ShieldingFormat _format;
    private int _position;

    public FormatReader(ReadOnlySpan<byte> data, ShieldingFormat format)
    {
        _data = data;
        _format = format;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    /// <summary>Checks the magic bytes and the version; returns the version.</summary>
    public ushort ReadHeader(ReadOnlySpan<byte> magic, ushort supportedVersion)
    {
        if (_data.IsEmpty)
        {
            throw Fail(ShieldingFormatError.Empty, "the file is empty.");
        }

        if (_data.Length < magic.Length && magic.StartsWith(_data))
        {
            throw Fail(ShieldingFormatError.Truncated, $"the file is truncated: it has only {_data.Length} bytes.");
        }

        if (_data.Length < magic.Length || !_data[..magic.Length].SequenceEqual(magic))
        {
            throw Fail(ShieldingFormatError.WrongMagic,
                $"the file does not start with the magic bytes \"{Encoding.ASCII.GetString(magic)}\"; it is not this kind of file.");
        }

        _position = magic.Length;
        var version = ReadUInt16("format version");
        if (version != supportedVersion)
        {
            throw Fail(ShieldingFormatError.UnsupportedVersion,
                $"format version {version} is not supported (this tool reads version {supportedVersion}).");
        }

        return version;
    }

    public byte ReadByte(string field) => Take(1, field)[0];

    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64BigEndian(Take(8, field));

    public ReadOnlySpan<byte> ReadFixed(int length, string field) => Take(length, field);

    /// <summary>A count byte, checked to be within [min, max].</summary>
    public int ReadCount(string field, int min, int max)
    {
        int count = ReadByte(field);
        if (count < min || count > max)
        {
            throw Fail(ShieldingFormatError.LengthOutOfBounds, $"{field} is {count}; it must be between {min} and {max}.");
        }

        return count;
    }

    /// <summary>Bytes with a 16-bit length prefix.</summary>
    public ReadOnlySpan<byte> ReadBytes16(string field, int min, int max) => TakeDeclared(ReadUInt16($"{field} length"), field, min, max);

    /// <summary>Bytes with a 32-bit length prefix.</summary>
    public ReadOnlySpan<byte> ReadBytes32(string field, int min, int max) => TakeDeclared(ReadUInt32($"{field} length"), field, min, max);

    /// <summary>A UTF-8 string with a 16-bit byte-length prefix; invalid UTF-8 and control characters are refused.</summary>
    public string ReadString(string field, int minChars, int maxChars)
    {
        // UTF-8 needs at most 4 bytes a char (a surrogate pair is 4 bytes for 2 chars), so this bound is safe.
        var bytes = ReadBytes16(field, minChars, maxChars * 4);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(ShieldingFormatError.Malformed, $"{field} is not valid UTF-8.");
        }

        var problem = TextRules.Check(text, minChars, maxChars);
        return problem is null ? text : throw Fail(ShieldingFormatError.Malformed, $"{field} {problem}");
    }

    /// <summary>A UTC instant stored as Unix milliseconds, within years 2000–9999.</summary>
    public DateTimeOffset ReadTimestamp(string field)
    {
        var milliseconds = ReadInt64(field);
        if (milliseconds < TextRules.MinTimestampMilliseconds || milliseconds > TextRules.MaxTimestampMilliseconds)
        {
            throw Fail(ShieldingFormatError.Malformed, $"{field} is not a valid time.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    /// <summary>A four-part version stored as four unsigned 32-bit numbers (each at most int.MaxValue).</summary>
    public Version ReadVersion(string field)
    {
        Span<int> parts = stackalloc int[4];
        for (var i = 0; i < parts.Length; i++)
        {
            var value = ReadUInt32(field);
            if (value > int.MaxValue)
            {
                throw Fail(ShieldingFormatError.Malformed, $"{field} has a part larger than {int.MaxValue}.");
            }

            parts[i] = (int)value;
        }

        return new Version(parts[0], parts[1], parts[2], parts[3]);
    }

    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw Fail(ShieldingFormatError.TrailingData, $"{Remaining} unexpected bytes follow the end of the file.");
        }
    }

    public readonly ShieldingFormatException Fail(ShieldingFormatError error, string detail) =>
        ShieldingFormatException.Create(_format, error, detail);

    private ReadOnlySpan<byte> TakeDeclared(uint declared, string field, int min, int max)
    {
        if (declared < min || declared > max)
        {
            throw Fail(ShieldingFormatError.LengthOutOfBounds,
                $"{field} is declared as {declared} bytes; it must be between {min} and {max}.");
        }

        return Take((int)declared, field);
    }

    private ReadOnlySpan<byte> Take(int length, string field)
    {
        if (length > Remaining)
        {
            throw Fail(ShieldingFormatError.Truncated,
                $"the file is truncated: {field} needs {length} bytes at offset {_position} but only {Remaining} remain.");
        }

        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }
}
