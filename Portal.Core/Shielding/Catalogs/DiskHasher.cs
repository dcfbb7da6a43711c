using System.Buffers;
using System.Security.Cryptography;

namespace Portal.Core.Shielding.Catalogs;

/// <summary>SHA-384 of a disk read as a stream in 1 MiB blocks: a 100 GiB template never sits in memory.</summary>
internal static class DiskHasher
{
    public const int HashLength = 48;

    private const int BlockSize = 1024 * 1024;

    /// <summary>Hashes the whole stream; stops early (returning a null hash) once it is longer than <paramref name="stopAfter"/>.</summary>
    public static async Task<(byte[]? Hash, long Length)> HashAsync(Stream disk, long stopAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(disk);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            long length = 0;
            int read;
            while ((read = await disk.ReadAsync(buffer.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > stopAfter)
                {
                    return (null, length);
                }

                hash.AppendData(buffer, 0, read);
            }

            return (hash.GetHashAndReset(), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
