using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Portal.Core.Shielding.Binary;

/// <summary>Writes the big-endian, length-prefixed fields that <see cref="FormatReader"/> reads; the one canonical encoding.</summary>
internal sealed class FormatWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void WriteHeader(ReadOnlySpan<byte> magic, ushort version)
    {
        WriteFixed(magic);
        WriteUInt16(version);
    }

    public void WriteByte(byte value) => WriteFixed([value]);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteFixed(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void WriteCount(int count) => WriteByte(checked((byte)count));

    public void WriteBytes16(ReadOnlySpan<byte> bytes)
    {
        WriteUInt16(checked((ushort)bytes.Length));
        WriteFixed(bytes);
    }

    public void WriteBytes32(ReadOnlySpan<byte> bytes)
    {
        WriteUInt32(checked((uint)bytes.Length));
        WriteFixed(bytes);
    }

    public void WriteString(string text) => WriteBytes16(Encoding.UTF8.GetBytes(text));

    public void WriteTimestamp(DateTimeOffset instant) => WriteInt64(instant.ToUnixTimeMilliseconds());

    public void WriteVersion(Version version)
    {
        WriteUInt32((uint)version.Major);
        WriteUInt32((uint)version.Minor);
        WriteUInt32((uint)Math.Max(version.Build, 0));
        WriteUInt32((uint)Math.Max(version.Revision, 0));
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
