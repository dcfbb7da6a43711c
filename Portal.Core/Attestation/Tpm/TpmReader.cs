using System.Buffers.Binary;

namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// Reads the big-endian fields of TPM structures. Every size is checked against the structure's maximum and against
/// what remains before anything is sliced, so hostile input can neither read past its end nor make us allocate more
/// than it is long; every failure is a <see cref="TpmFormatException"/> that names the structure.
/// </summary>
internal ref struct TpmReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _structure;
    private int _position;

    public TpmReader(ReadOnlySpan<byte> data, string structure)
    {
        _data = data;
        _structure = structure;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public TpmAlgorithm Algorithm() => (TpmAlgorithm)U16();

    public ReadOnlySpan<byte> Bytes(int count, string field)
    {
        if (count < 0 || count > Remaining)
        {
            throw Fail($"{field} needs {count} bytes but only {Remaining} remain");
        }

        return Take(count);
    }

    /// <summary>A TPM2B: a 2-byte size, then that many bytes (at most <paramref name="maxSize"/>).</summary>
    public ReadOnlySpan<byte> Sized(int maxSize, string field)
    {
        var size = U16();
        if (size > maxSize)
        {
            throw Fail($"{field} is {size} bytes, more than the {maxSize} it may have");
        }

        return Bytes(size, field);
    }

    /// <summary>Requires that the whole input was consumed.</summary>
    public readonly void End()
    {
        if (Remaining != 0)
        {
            throw Fail($"{Remaining} bytes follow the end of the structure");
        }
    }

    public readonly TpmFormatException Fail(string reason) => new($"Not a valid {_structure}: {reason}.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw Fail($"it is truncated at byte {_position} of {_data.Length}");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
