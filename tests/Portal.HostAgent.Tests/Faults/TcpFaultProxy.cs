using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.HostAgent.Tests.Faults;

/// <summary>
/// A TCP proxy on loopback in front of one service, which a test can make misbehave the way a network does:
/// <see cref="Blackhole"/> accepts every byte and forwards none (no reset, no error: the caller just waits) until
/// <see cref="Heal"/> lets the held bytes through; <see cref="DelayAnswers"/> forwards requests but holds the answers.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private static readonly byte[] StatusLine = Encoding.ASCII.GetBytes("HTTP/1.1 ");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly DnsEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private TaskCompletionSource _open = Opened();
    private TimeSpan _answerDelay;
    private readonly int[] _statuses = new int[600];

    private TcpFaultProxy(Uri target)
    {
        _target = new DnsEndPoint(target.Host, target.Port);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>Where callers connect instead of the service.</summary>
    public Uri Url { get; }

    public static TcpFaultProxy Start(Uri target) => new(target);

    /// <summary>From now on nothing passes in either direction, on open connections and new ones alike.</summary>
    public void Blackhole()
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Bytes flow again, the held ones first, as they would once a partition ends.</summary>
    public void Heal()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    /// <summary>Every answer chunk from the service waits this long before the caller gets it (zero: none).</summary>
    public void DelayAnswers(TimeSpan delay) => _answerDelay = delay;

    /// <summary>How many HTTP/1.1 answers with this status went back to callers through the proxy.</summary>
    public int Answered(HttpStatusCode status) => Volatile.Read(ref _statuses[(int)status]);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Heal();
        await _accepting;
        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient caller;
            try
            {
                caller = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_lock)
            {
                _connections.RemoveAll(c => c.IsCompleted);
                _connections.Add(RelayAsync(caller, ct));
            }
        }
    }

    private async Task RelayAsync(TcpClient caller, CancellationToken ct)
    {
        using (caller)
        using (var service = new TcpClient())
        using (var done = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            try
            {
                await service.ConnectAsync(_target.Host, _target.Port, done.Token);
                var up = PumpAsync(caller.GetStream(), service.GetStream(), answers: false, done.Token);
                var down = PumpAsync(service.GetStream(), caller.GetStream(), answers: true, done.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
                // The service is down or the proxy stops: the caller sees its connection close.
            }
            finally
            {
                await done.CancelAsync();
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to, bool answers, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    return;
                }

                Task open;
                lock (_lock)
                {
                    open = _open.Task;
                }

                await open.WaitAsync(ct);
                if (answers)
                {
                    if (_answerDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(_answerDelay, ct);
                    }

                    Count(buffer.AsSpan(0, read));
                }

                await to.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Either side went away.
        }
    }

    // An answer's status line starts a chunk in practice (the service writes its head in one go).
    private void Count(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= StatusLine.Length + 3 && chunk.StartsWith(StatusLine)
            && int.TryParse(Encoding.ASCII.GetString(chunk.Slice(StatusLine.Length, 3)), out var status) && status is >= 100 and < 600)
        {
            Interlocked.Increment(ref _statuses[status]);
        }
    }
}
