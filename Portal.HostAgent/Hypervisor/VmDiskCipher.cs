using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Portal.HostAgent.Hypervisor;

/// <summary>
/// A VM disk file encrypted with the VM's 256-bit key: AES-256-GCM in chunks, so a disk is streamed and never held in
/// memory whole. Layout: header (magic "TPVD", u16 version, u32 chunk size, 16-byte random file id), then chunks of
/// (u32 length, 12-byte nonce, ciphertext, 16-byte tag). Each chunk's associated data is the header, its index and
/// whether it is the last, so chunks cannot be reordered, swapped between disks, dropped or truncated unnoticed.
/// A copied disk file is noise to anyone without the key.
/// </summary>
public static class VmDiskCipher
{
    public const int KeySize = 32;
    private const ushort Version = 1;
    private const int HeaderSize = 4 + 2 + 4 + 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Magic = "TPVD"u8.ToArray();

    public static async Task EncryptAsync(Stream plaintext, Stream destination, ReadOnlyMemory<byte> key, int chunkSize, CancellationToken ct)
    {
        CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(6), chunkSize);
        RandomNumberGenerator.Fill(header.AsSpan(10, 16));
        await destination.WriteAsync(header, ct);

        using var aes = new AesGcm(key.Span, TagSize);
        var current = new byte[chunkSize];
        var next = new byte[chunkSize];
        var currentLength = await plaintext.ReadAtLeastAsync(current, chunkSize, throwOnEndOfStream: false, ct);
        var record = new byte[4 + NonceSize + chunkSize + TagSize];
        for (long index = 0; ; index++)
        {
            // Read one chunk ahead: only then is it known whether the current chunk is the last.
            var nextLength = currentLength < chunkSize ? 0 : await plaintext.ReadAtLeastAsync(next, chunkSize, throwOnEndOfStream: false, ct);
            var final = nextLength == 0;
            BinaryPrimitives.WriteInt32BigEndian(record, currentLength);
            var nonce = record.AsSpan(4, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            aes.Encrypt(nonce, current.AsSpan(0, currentLength), record.AsSpan(4 + NonceSize, currentLength),
                record.AsSpan(4 + NonceSize + currentLength, TagSize), AssociatedData(header, index, final));
            await destination.WriteAsync(record.AsMemory(0, 4 + NonceSize + currentLength + TagSize), ct);
            if (final)
            {
                return;
            }

            (current, next) = (next, current);
            currentLength = nextLength;
        }
    }

    /// <summary>Decrypts into <paramref name="destination"/>; a wrong key or any change to the file throws <see cref="CryptographicException"/>.</summary>
    public static async Task DecryptAsync(Stream source, Stream destination, ReadOnlyMemory<byte> key, CancellationToken ct)
    {
        CheckKey(key);
        var header = new byte[HeaderSize];
        await ReadExactlyAsync(source, header, ct);
        if (!header.AsSpan(0, 4).SequenceEqual(Magic) || BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4)) != Version)
        {
            throw new CryptographicException("This is not a TenantPortal VM disk file.");
        }

        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(6));
        if (chunkSize is < 1 or > 64 * 1024 * 1024)
        {
            throw new CryptographicException("The disk file's chunk size is out of range.");
        }

        using var aes = new AesGcm(key.Span, TagSize);
        var lengthBuffer = new byte[4];
        var record = new byte[NonceSize + chunkSize + TagSize];
        var plain = new byte[chunkSize];
        for (long index = 0; ; index++)
        {
            if (await source.ReadAtLeastAsync(lengthBuffer, 4, throwOnEndOfStream: false, ct) < 4)
            {
                throw new CryptographicException("The disk file is truncated.");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(lengthBuffer);
            if (length < 0 || length > chunkSize)
            {
                throw new CryptographicException("The disk file is corrupt.");
            }

            await ReadExactlyAsync(source, record.AsMemory(0, NonceSize + length + TagSize), ct);
            var final = length < chunkSize || IsAtEnd(source);
            aes.Decrypt(record.AsSpan(0, NonceSize), record.AsSpan(NonceSize, length), record.AsSpan(NonceSize + length, TagSize),
                plain.AsSpan(0, length), AssociatedData(header, index, final));
            await destination.WriteAsync(plain.AsMemory(0, length), ct);
            if (final)
            {
                if (!IsAtEnd(source))
                {
                    throw new CryptographicException("Bytes follow the disk file's last chunk.");
                }

                return;
            }
        }
    }

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeySize);

    private static byte[] AssociatedData(byte[] header, long index, bool final)
    {
        var data = new byte[HeaderSize + 9];
        header.CopyTo(data, 0);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(HeaderSize), index);
        data[^1] = final ? (byte)1 : (byte)0;
        return data;
    }

    private static bool IsAtEnd(Stream source) => source.CanSeek
        ? source.Position >= source.Length
        : throw new NotSupportedException("Disk files are read from seekable streams.");

    private static async Task ReadExactlyAsync(Stream source, Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            await source.ReadExactlyAsync(buffer, ct);
        }
        catch (EndOfStreamException e)
        {
            throw new CryptographicException("The disk file is truncated.", e);
        }
    }

    private static void CheckKey(ReadOnlyMemory<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A VM key is {KeySize} bytes.", nameof(key));
        }
    }
}
