using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Attestation.Tpm;

/// <summary>The TPM's key derivation functions (TPM 2.0 Part 1, §11.4.10). Labels are used with their terminating zero.</summary>
internal static class TpmKdf
{
    /// <summary>KDFa, SP 800-108 counter mode with HMAC: HMAC(key, i ‖ label ‖ 0 ‖ contextU ‖ contextV ‖ bits) for i = 1, 2, …</summary>
    public static byte[] KdfA(TpmAlgorithm hash, ReadOnlySpan<byte> key, string label, ReadOnlySpan<byte> contextU, ReadOnlySpan<byte> contextV, int bits)
    {
        var keyCopy = key.ToArray();
        var fixedInput = new TpmWriter().Bytes(Label(label)).Bytes(contextU).Bytes(contextV).U32((uint)bits).ToArray();
        var output = CounterMode(hash, bits, block => TpmHash.Hmac(hash, keyCopy, WithCounter(block, fixedInput)));
        CryptographicOperations.ZeroMemory(keyCopy);
        return output;
    }

    /// <summary>KDFe, SP 800-56A concatenation: H(i ‖ Z ‖ label ‖ 0 ‖ partyU ‖ partyV) for i = 1, 2, …</summary>
    public static byte[] KdfE(TpmAlgorithm hash, ReadOnlySpan<byte> z, string label, ReadOnlySpan<byte> partyU, ReadOnlySpan<byte> partyV, int bits)
    {
        var otherInfo = new TpmWriter().Bytes(z).Bytes(Label(label)).Bytes(partyU).Bytes(partyV).ToArray();
        var output = CounterMode(hash, bits, block => TpmHash.Hash(hash, WithCounter(block, otherInfo)));
        CryptographicOperations.ZeroMemory(otherInfo);
        return output;
    }

    private static byte[] Label(string label) => Encoding.ASCII.GetBytes(label + "\0");

    private static byte[] WithCounter(uint counter, byte[] rest)
    {
        var block = new byte[4 + rest.Length];
        BinaryPrimitives.WriteUInt32BigEndian(block, counter);
        rest.CopyTo(block, 4);
        return block;
    }

    private static byte[] CounterMode(TpmAlgorithm hash, int bits, Func<uint, byte[]> block)
    {
        if (bits <= 0 || bits % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "The key size must be a positive number of bytes.");
        }

        var digestSize = TpmHash.Size(hash);
        var output = new byte[bits / 8];
        uint counter = 1;
        for (var offset = 0; offset < output.Length; offset += digestSize, counter++)
        {
            var digest = block(counter);
            digest.AsSpan(0, Math.Min(digestSize, output.Length - offset)).CopyTo(output.AsSpan(offset));
            CryptographicOperations.ZeroMemory(digest);
        }

        return output;
    }
}
