using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// RSAES-OAEP encryption (RFC 8017 §7.1.1, MGF1 with the same hash) with a label, which TPM2_MakeCredential needs
/// ("IDENTITY" with its terminating zero) and .NET's OAEP does not offer. Public-key operation only: nothing secret depends on the timing.
/// </summary>
internal static class RsaOaep
{
    public static byte[] Encrypt(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, TpmAlgorithm hash, ReadOnlySpan<byte> label, ReadOnlySpan<byte> message)
    {
        var n = new BigInteger(modulus, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(exponent, isUnsigned: true, isBigEndian: true);
        var k = (int)((n.GetBitLength() + 7) / 8);
        var hLen = TpmHash.Size(hash);
        if (message.Length > k - 2 * hLen - 2)
        {
            throw new ArgumentException($"A {k * 8}-bit RSA key with OAEP-{hash} encrypts at most {k - 2 * hLen - 2} bytes.", nameof(message));
        }

        // DB = lHash ‖ PS ‖ 0x01 ‖ M
        var db = new byte[k - hLen - 1];
        TpmHash.Hash(hash, label).CopyTo(db, 0);
        db[db.Length - message.Length - 1] = 0x01;
        message.CopyTo(db.AsSpan(db.Length - message.Length));

        var seed = RandomNumberGenerator.GetBytes(hLen);
        Xor(db, Mgf1(hash, seed, db.Length));
        Xor(seed, Mgf1(hash, db, hLen));

        var em = new byte[k];
        seed.CopyTo(em, 1);
        db.CopyTo(em, 1 + hLen);
        var m = new BigInteger(em, isUnsigned: true, isBigEndian: true);
        CryptographicOperations.ZeroMemory(em);
        CryptographicOperations.ZeroMemory(db);

        var c = BigInteger.ModPow(m, e, n).ToByteArray(isUnsigned: true, isBigEndian: true);
        var output = new byte[k];
        c.CopyTo(output, k - c.Length);
        return output;
    }

    private static byte[] Mgf1(TpmAlgorithm hash, ReadOnlySpan<byte> seed, int length)
    {
        var hLen = TpmHash.Size(hash);
        var mask = new byte[length];
        var input = new byte[seed.Length + 4];
        seed.CopyTo(input);
        for (int counter = 0, offset = 0; offset < length; counter++, offset += hLen)
        {
            BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(seed.Length), counter);
            var digest = TpmHash.Hash(hash, input);
            digest.AsSpan(0, Math.Min(hLen, length - offset)).CopyTo(mask.AsSpan(offset));
        }

        return mask;
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> mask)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] ^= mask[i];
        }
    }
}
