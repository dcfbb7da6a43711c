using System.Security.Cryptography;

namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// AES in full-block CFB with a zero IV over data of any length, as TPM 2.0 encrypts credentials and sensitive areas.
/// (.NET's CFB mode wants whole blocks without padding; a credential is a 2-byte size plus the secret.)
/// </summary>
internal static class AesCfb
{
    private const int Block = 16;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext) => Transform(key, plaintext, encrypt: true);

    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertext) => Transform(key, ciphertext, encrypt: false);

    private static byte[] Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, bool encrypt)
    {
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var output = new byte[input.Length];
        Span<byte> feedback = stackalloc byte[Block];
        Span<byte> keystream = stackalloc byte[Block];
        feedback.Clear();
        for (var offset = 0; offset < input.Length; offset += Block)
        {
            aes.EncryptEcb(feedback, keystream, PaddingMode.None);
            var length = Math.Min(Block, input.Length - offset);
            for (var i = 0; i < length; i++)
            {
                output[offset + i] = (byte)(input[offset + i] ^ keystream[i]);
            }

            // The next block's feedback is this block's ciphertext.
            (encrypt ? output.AsSpan(offset, length) : input.Slice(offset, length)).CopyTo(feedback);
        }

        CryptographicOperations.ZeroMemory(keystream);
        return output;
    }
}
