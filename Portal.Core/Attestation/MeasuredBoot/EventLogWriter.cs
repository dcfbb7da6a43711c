using System.Buffers;
using System.Buffers.Binary;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>Writes the little-endian fields of a TCG event log and of the UEFI structures inside its events.</summary>
internal sealed class EventLogWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public void WriteByte(byte value) => _buffer.Write([value]);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
