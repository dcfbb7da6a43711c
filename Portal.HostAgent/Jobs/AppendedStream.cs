using System.Security.Cryptography;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// Reads one stream to its end, then a small in-memory tail: the template disk followed by the specialisation section.
/// Hashes the head (SHA-384) as it goes, so the bytes actually written can be checked against the verified disk.
/// </summary>
internal sealed class AppendedStream(Stream head, ReadOnlyMemory<byte> tail) : Stream
{
    private readonly IncrementalHash _headHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
    private int _tailPosition;
    private bool _headDone;

    /// <summary>Upper-case hex SHA-384 of the head as read; call once the stream has been read to its end.</summary>
    public string HeadSha384 => Convert.ToHexString(_headHash.GetCurrentHash());

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_headDone)
        {
            var read = head.Read(buffer);
            if (read > 0 || buffer.IsEmpty)
            {
                _headHash.AppendData(buffer[..read]);
                return read;
            }

            _headDone = true;
        }

        return ReadTail(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_headDone)
        {
            var read = await head.ReadAsync(buffer, cancellationToken);
            if (read > 0 || buffer.IsEmpty)
            {
                _headHash.AppendData(buffer.Span[..read]);
                return read;
            }

            _headDone = true;
        }

        return ReadTail(buffer.Span);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _headHash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int ReadTail(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, tail.Length - _tailPosition);
        tail.Span.Slice(_tailPosition, count).CopyTo(buffer);
        _tailPosition += count;
        return count;
    }
}
