using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Portal.HostAgent.Tests.Tpm;

/// <summary>Reads an RSA TPM2B_PUBLIC by hand (TPM 2.0 Part 2, TPMT_PUBLIC), so the tests do not trust the code under test.</summary>
internal sealed record RsaPublicArea(uint Attributes, RSAParameters Key, byte[] Name)
{
    public const uint Restricted = 1 << 16;
    public const uint Decrypt = 1 << 17;
    public const uint Sign = 1 << 18;
    public const uint FixedTpm = 1 << 1;

    public static RsaPublicArea Parse(byte[] tpm2bPublic)
    {
        var span = tpm2bPublic.AsSpan();
        Assert.Equal(span.Length - 2, BinaryPrimitives.ReadUInt16BigEndian(span));
        var area = span[2..];
        Assert.Equal(0x0001, BinaryPrimitives.ReadUInt16BigEndian(area)); // TPM_ALG_RSA
        var attributes = BinaryPrimitives.ReadUInt32BigEndian(area[4..]);
        var at = 8;
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(area[at..]); // authPolicy
        at += BinaryPrimitives.ReadUInt16BigEndian(area[at..]) == 0x0010 ? 2 : 6; // symmetric: null, or alg + bits + mode
        at += BinaryPrimitives.ReadUInt16BigEndian(area[at..]) == 0x0010 ? 2 : 4; // scheme: null, or alg + hash
        at += 2; // keyBits
        var exponent = BinaryPrimitives.ReadUInt32BigEndian(area[at..]);
        at += 4;
        var modulus = area.Slice(at + 2, BinaryPrimitives.ReadUInt16BigEndian(area[at..])).ToArray();
        var exponentBytes = BitConverter.GetBytes(exponent == 0 ? 65537u : exponent);
        Array.Reverse(exponentBytes);
        var name = new byte[] { 0x00, 0x0B }.Concat(SHA256.HashData(area)).ToArray();
        return new RsaPublicArea(attributes, new RSAParameters { Modulus = modulus, Exponent = exponentBytes.SkipWhile(b => b == 0).ToArray() }, name);
    }
}
