using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>
/// The agent's one connection to a running VM's serial console, fanned out to any number of viewers: guest output goes to
/// every viewer (a new viewer first gets the recent output kept in memory, so it sees the login prompt), keystrokes from any
/// viewer go to the guest. Each complete line is also passed to the driver, which watches for the guest's marker lines.
/// Nothing is written to disk.
/// </summary>
internal sealed class SerialConsole : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Action<string> _onLine;
    private readonly int _historyBytes;
    private readonly Lock _lock = new();
    private readonly List<Viewer> _viewers = [];
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly MemoryStream _line = new();
    private byte[] _history = [];
    private bool _closed;

    private SerialConsole(Socket socket, Action<string> onLine, int historyBytes)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _onLine = onLine;
        _historyBytes = historyBytes;
        ReadLoop = ReadLoopAsync();
    }

    public Task ReadLoop { get; }

    public static async Task<SerialConsole> ConnectAsync(string socketPath, Action<string> onLine, int historyBytes, TimeSpan timeout, CancellationToken ct)
    {
        var socket = await UnixSockets.ConnectAsync(socketPath, timeout, ct);
        return new SerialConsole(socket, onLine, historyBytes);
    }

    /// <summary>A new viewer: a duplex stream of the guest's output (recent history first) and the viewer's keystrokes.</summary>
    public Stream OpenViewer()
    {
        lock (_lock)
        {
            var viewer = new Viewer(this);
            if (_history.Length > 0)
            {
                viewer.Offer(_history);
            }

            if (_closed)
            {
                viewer.Complete();
            }
            else
            {
                _viewers.Add(viewer);
            }

            return viewer;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        await ReadLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _write.Dispose();
    }

    private async Task WriteToGuestAsync(ReadOnlyMemory<byte> keys, CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            await _stream.WriteAsync(keys, ct);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            throw new IOException("The VM's console is closed.", e);
        }
        finally
        {
            _write.Release();
        }
    }

    private void Remove(Viewer viewer)
    {
        lock (_lock)
        {
            _viewers.Remove(viewer);
        }
    }

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                var chunk = buffer.AsSpan(0, read).ToArray();
                lock (_lock)
                {
                    Remember(chunk);
                    foreach (var viewer in _viewers)
                    {
                        viewer.Offer(chunk);
                    }
                }

                SplitLines(chunk);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The console closed: QEMU exited or the VM is being turned off.
        }
        finally
        {
            lock (_lock)
            {
                _closed = true;
                foreach (var viewer in _viewers)
                {
                    viewer.Complete();
                }

                _viewers.Clear();
            }
        }
    }

    private void Remember(byte[] chunk)
    {
        var total = Math.Min(_historyBytes, _history.Length + chunk.Length);
        var next = new byte[total];
        var fromChunk = Math.Min(chunk.Length, total);
        var fromHistory = total - fromChunk;
        _history.AsSpan(_history.Length - fromHistory).CopyTo(next);
        chunk.AsSpan(chunk.Length - fromChunk).CopyTo(next.AsSpan(fromHistory));
        _history = next;
    }

    private void SplitLines(byte[] chunk)
    {
        foreach (var b in chunk)
        {
            if (b == (byte)'\n')
            {
                var text = Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length).TrimEnd('\r');
                _line.SetLength(0);
                _onLine(text);
            }
            else if (_line.Length < 4096)
            {
                _line.WriteByte(b);
            }
        }
    }

    /// <summary>One viewer's end: reads what the guest printed, writes keystrokes to the guest.</summary>
    private sealed class Viewer(SerialConsole console) : Stream
    {
        private readonly Channel<byte[]> _output = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        private byte[] _current = [];
        private int _offset;
        private bool _disposed;

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Offer(byte[] chunk) => _output.Writer.TryWrite(chunk);

        public void Complete() => _output.Writer.TryComplete();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_offset >= _current.Length)
            {
                if (!await _output.Reader.WaitToReadAsync(cancellationToken) || !_output.Reader.TryRead(out var next))
                {
                    return 0;
                }

                _current = next;
                _offset = 0;
            }

            var count = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsMemory(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(console.WriteToGuestAsync(buffer, cancellationToken));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            console.WriteToGuestAsync(buffer.AsMemory(offset, count), cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                console.Remove(this);
                Complete();
            }

            base.Dispose(disposing);
        }
    }
}
