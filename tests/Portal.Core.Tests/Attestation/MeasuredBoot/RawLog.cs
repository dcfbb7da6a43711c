using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Tests.Attestation.MeasuredBoot;

/// <summary>
/// Writes crypto-agile logs field by field, independently of the code under test, so that parsing is checked
/// against bytes laid out from the specification: any banks, any header, any record.
/// </summary>
internal sealed class RawLog
{
    public const ushort Sha1 = 0x0004;
    public const ushort Sha256 = 0x000B;
    public const ushort Sha384 = 0x000C;

    private readonly MemoryStream _bytes = new();

    public RawLog U8(byte value)
    {
        _bytes.WriteByte(value);
        return this;
    }

    public RawLog U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        _bytes.Write(b);
        return this;
    }

    public RawLog U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _bytes.Write(b);
        return this;
    }

    public RawLog Bytes(ReadOnlySpan<byte> value)
    {
        _bytes.Write(value);
        return this;
    }

    /// <summary>The TCG_PCR_EVENT header with a TCG_EfiSpecIDEvent naming <paramref name="banks"/>.</summary>
    public RawLog Header(params (ushort Algorithm, ushort Size)[] banks) => Header(banks, vendorInfo: []);

    public RawLog Header((ushort Algorithm, ushort Size)[] banks, byte[] vendorInfo)
    {
        var spec = new RawLog().Bytes(Encoding.ASCII.GetBytes("Spec ID Event03\0")).U32(0).U8(0).U8(2).U8(0).U8(2).U32((uint)banks.Length);
        foreach (var (algorithm, size) in banks)
        {
            spec.U16(algorithm).U16(size);
        }

        var body = spec.U8((byte)vendorInfo.Length).Bytes(vendorInfo).ToArray();
        return U32(0).U32(3).Bytes(new byte[20]).U32((uint)body.Length).Bytes(body);
    }

    /// <summary>A TCG_PCR_EVENT2 with SHA-1 and SHA-256 digests of <paramref name="data"/>.</summary>
    public RawLog Sha1AndSha256Event(uint pcr, uint type, byte[] data) =>
        U32(pcr).U32(type).U32(2).U16(Sha1).Bytes(SHA1.HashData(data)).U16(Sha256).Bytes(SHA256.HashData(data)).U32((uint)data.Length).Bytes(data);

    /// <summary>A TCG_PCR_EVENT2 with the SHA-256 digest of <paramref name="data"/> only.</summary>
    public RawLog Sha256Event(uint pcr, uint type, byte[] data) =>
        U32(pcr).U32(type).U32(1).U16(Sha256).Bytes(SHA256.HashData(data)).U32((uint)data.Length).Bytes(data);

    public byte[] ToArray() => _bytes.ToArray();
}
