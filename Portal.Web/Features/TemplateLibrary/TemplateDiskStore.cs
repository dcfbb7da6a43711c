using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.Core.Gallery;

namespace Portal.Web.Features.TemplateLibrary;

/// <summary>
/// The library's files: each disk is stored once as <c>{SHA-384}.disk</c>. A disk is written to a temporary file while
/// it streams and is hashed, then moved into place, so a name always matches its content and a failed or oversized
/// upload leaves nothing behind.
/// </summary>
public sealed class TemplateDiskStore(IOptions<TemplateLibraryOptions> options, ILogger<TemplateDiskStore> logger)
{
    public const string Extension = ".disk";

    private const string TemporaryExtension = ".upload";
    private const int BlockSize = 1024 * 1024;

    public string Folder { get; } = options.Value.Folder!;

    public long MaxDiskBytes => options.Value.MaxDiskBytes;

    public string PathOf(string sha384) => Path.Combine(Folder, TemplateDiskHash.Normalize(sha384) + Extension);

    public bool Contains(string sha384) => TemplateDiskHash.IsValid(sha384) && File.Exists(PathOf(sha384));

    /// <summary>Streams <paramref name="content"/> into the library; throws <see cref="DiskTooLargeException"/> past the limit.</summary>
    public async Task<StoredDisk> StoreAsync(Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(Folder);
        var temporary = Path.Combine(Folder, $"{Guid.NewGuid():N}{TemporaryExtension}");
        try
        {
            var (hash, length) = await CopyHashingAsync(content, temporary, ct);
            if (length == 0)
            {
                throw Core.Common.DomainValidationException.For("disk", "The template disk is empty.");
            }

            var target = PathOf(hash);
            if (File.Exists(target))
            {
                return new StoredDisk(hash, length, IsNew: false);
            }

            try
            {
                File.Move(temporary, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another upload of the same bytes finished first; its file is this one.
                return new StoredDisk(hash, length, IsNew: false);
            }

            logger.LogInformation("Stored template disk {Sha384} ({Bytes} bytes)", hash, length);
            return new StoredDisk(hash, length, IsNew: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Removes a disk this store just added when what it was for failed (e.g. the template refused it).</summary>
    public void Forget(StoredDisk disk)
    {
        if (disk.IsNew)
        {
            File.Delete(PathOf(disk.Sha384));
        }
    }

    /// <summary>Opens a stored disk for reading, shared and seekable (range requests); null when it is not here.</summary>
    public FileStream? OpenRead(string sha384)
    {
        if (!TemplateDiskHash.IsValid(sha384))
        {
            return null;
        }

        try
        {
            return new FileStream(PathOf(sha384), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private async Task<(string Hash, long Length)> CopyHashingAsync(Stream content, string temporary, CancellationToken ct)
    {
        var limit = MaxDiskBytes;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            await using var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous,
            });
            long length = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BlockSize), ct)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw new DiskTooLargeException(limit);
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            await file.FlushAsync(ct);
            return (Convert.ToHexString(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
