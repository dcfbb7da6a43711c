using System.Text;
using System.Threading.Channels;

namespace Portal.HostAgent.Consoles;

/// <summary>
/// The serial console of a simulated VM, clearly a simulation: a banner and a login prompt, typed text echoed, and each
/// line answered "Login incorrect" (there is no guest to log in to). One instance per viewer; disposing it ends only
/// that viewer's stream.
/// </summary>
public sealed class SimulatedSerialConsole : Stream
{
    private readonly Channel<byte[]> _output = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _prompt;
    private readonly Lock _lock = new();
    private byte[] _pending = [];
    private int _pendingOffset;
    private int _lineLength;
    private bool _lastWasCarriageReturn;

    public SimulatedSerialConsole(string vmName)
    {
        ArgumentNullException.ThrowIfNull(vmName);
        _prompt = $"{vmName} login: ";
        Emit($"TenantPortal simulated serial console (no real guest runs on this host)\r\n\r\n{_prompt}");
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pendingOffset >= _pending.Length)
        {
            if (!await _output.Reader.WaitToReadAsync(cancellationToken) || !_output.Reader.TryRead(out var next))
            {
                return 0;
            }

            (_pending, _pendingOffset) = (next, 0);
        }

        var count = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
        _pending.AsMemory(_pendingOffset, count).CopyTo(buffer);
        _pendingOffset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Type(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Type(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Write(byte[] buffer, int offset, int count) => Type(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _output.Writer.TryComplete();
        base.Dispose(disposing);
    }

    private void Type(ReadOnlySpan<byte> keys)
    {
        var echo = new StringBuilder();
        lock (_lock)
        {
            foreach (var key in keys)
            {
                var afterCarriageReturn = _lastWasCarriageReturn;
                _lastWasCarriageReturn = key == '\r';
                switch (key)
                {
                    case (byte)'\n' when afterCarriageReturn:
                        break;
                    case (byte)'\r' or (byte)'\n':
                        echo.Append("\r\nLogin incorrect\r\n").Append(_prompt);
                        _lineLength = 0;
                        break;
                    case 0x7f or 0x08:
                        if (_lineLength > 0)
                        {
                            _lineLength--;
                            echo.Append("\b \b");
                        }

                        break;
                    case >= 0x20 and < 0x7f:
                        _lineLength++;
                        echo.Append((char)key);
                        break;
                    default:
                        // Control keys and the bytes of other characters: a real getty would ring a bell; this one ignores them.
                        break;
                }
            }

            Emit(echo.ToString());
        }
    }

    private void Emit(string text)
    {
        if (text.Length > 0)
        {
            _output.Writer.TryWrite(Encoding.ASCII.GetBytes(text));
        }
    }
}
