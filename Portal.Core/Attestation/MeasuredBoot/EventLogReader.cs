using System.Buffers.Binary;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// Reads the little-endian fields of a TCG event log. Every length is checked against what remains before anything is
/// sliced, so a hostile log can neither read past its end nor make us allocate more than it is long.
/// </summary>
internal ref struct EventLogReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte(string field) => Take(1, field)[0];

    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ReadOnlySpan<byte> Take(int length, string field)
    {
        if (length < 0 || length > Remaining)
        {
            throw new TpmFormatException(
                $"The event log is truncated: {field} needs {length} bytes at offset {_position}, {Remaining} remain.");
        }

        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }

    /// <summary>A u32 size followed by that many bytes, refused when it claims more than <paramref name="max"/> or than remains.</summary>
    public ReadOnlySpan<byte> ReadSized(string field, int max)
    {
        var size = ReadUInt32($"{field} size");
        if (size > (uint)max)
        {
            throw new TpmFormatException($"The event log's {field} claims {size} bytes; at most {max} are allowed.");
        }

        return Take((int)size, field);
    }
}
