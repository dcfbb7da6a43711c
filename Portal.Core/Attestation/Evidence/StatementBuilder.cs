using System.Buffers.Binary;
using System.Text;

namespace Portal.Core.Attestation.Evidence;

/// <summary>Builds the exact bytes a piece of evidence signs: a 4-byte label, version 1, then fixed or length-prefixed fields.</summary>
internal sealed class StatementBuilder
{
    private readonly MemoryStream _stream = new();

    public StatementBuilder(string label)
    {
        _stream.Write(Encoding.ASCII.GetBytes(label));
        _stream.Write([0, 1]);
    }

    public StatementBuilder Add(ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)bytes.Length));
        _stream.Write(length);
        _stream.Write(bytes);
        return this;
    }

    public StatementBuilder Add(string text) => Add(Encoding.UTF8.GetBytes(text));

    public StatementBuilder Add(long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        _stream.Write(buffer);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();
}
