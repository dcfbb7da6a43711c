using System.Buffers.Binary;

namespace Portal.Core.Attestation.Tpm;

/// <summary>Writes the big-endian fields of TPM structures.</summary>
internal sealed class TpmWriter
{
    private readonly MemoryStream _stream = new();

    public TpmWriter U8(byte value)
    {
        _stream.WriteByte(value);
        return this;
    }

    public TpmWriter U16(ushort value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        _stream.Write(buffer);
        return this;
    }

    public TpmWriter U32(uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        _stream.Write(buffer);
        return this;
    }

    public TpmWriter U64(ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        _stream.Write(buffer);
        return this;
    }

    public TpmWriter Algorithm(TpmAlgorithm algorithm) => U16((ushort)algorithm);

    public TpmWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        return this;
    }

    /// <summary>A TPM2B: a 2-byte size, then the bytes.</summary>
    public TpmWriter Sized(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"A TPM2B holds at most {ushort.MaxValue} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return U16((ushort)bytes.Length).Bytes(bytes);
    }

    public byte[] ToArray() => _stream.ToArray();

    /// <summary>The bytes written, as a TPM2B.</summary>
    public byte[] ToSizedArray() => new TpmWriter().Sized(_stream.ToArray()).ToArray();
}
