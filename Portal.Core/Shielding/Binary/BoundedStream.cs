namespace Portal.Core.Shielding.Binary;

/// <summary>Reads a whole stream into memory only up to a limit, so an upload can never make us buffer more than that.</summary>
internal static class BoundedStream
{
    public static byte[] ReadAll(Stream stream, int maxBytes, ShieldingFormat format)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);

        // Grow as data arrives rather than trusting stream.Length (network streams have none, and it can lie).
        using var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(maxBytes + 1, 81920)];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1L - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw ShieldingFormatException.Create(format, ShieldingFormatError.TooLarge, $"the file is larger than {maxBytes} bytes.");
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Async twin of <see cref="ReadAll"/>, for streams that refuse synchronous reads (Blazor uploads, request bodies).</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream, int maxBytes, ShieldingFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);

        using var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(maxBytes + 1, 81920)];
        int read;
        while ((read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes + 1L - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw ShieldingFormatException.Create(format, ShieldingFormatError.TooLarge, $"the file is larger than {maxBytes} bytes.");
            }
        }

        return buffer.ToArray();
    }
}
