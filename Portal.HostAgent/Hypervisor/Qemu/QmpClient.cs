using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>An asynchronous event QEMU sent over QMP, e.g. SHUTDOWN with its data.</summary>
internal sealed record QmpEvent(string Name, JsonElement Data);

/// <summary>A command QEMU refused; <see cref="Class"/> and <see cref="Description"/> are QEMU's words.</summary>
internal sealed class QmpException(string command, string errorClass, string description)
    : Exception($"QEMU refused {command}: {description}")
{
    public string Class { get; } = errorClass;

    public string Description { get; } = description;
}

/// <summary>
/// A small QMP client over the VM's private unix socket: the capabilities handshake, commands with ids, and events passed
/// to a callback. One line of JSON per message.
/// </summary>
internal sealed class QmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Action<QmpEvent> _onEvent;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly TaskCompletionSource _greeting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    private QmpClient(Socket socket, Action<QmpEvent> onEvent)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _onEvent = onEvent;
    }

    /// <summary>Completes when QEMU closed the monitor (it exited).</summary>
    public Task Closed => _closed.Task;

    public static async Task<QmpClient> ConnectAsync(string socketPath, Action<QmpEvent> onEvent, TimeSpan timeout, CancellationToken ct)
    {
        var socket = await UnixSockets.ConnectAsync(socketPath, timeout, ct);
        var client = new QmpClient(socket, onEvent);
        _ = client.ReadLoopAsync();
        try
        {
            await client._greeting.Task.WaitAsync(timeout, ct);
            await client.ExecuteAsync("qmp_capabilities", null, ct);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["execute"] = command, ["id"] = id };
        if (arguments is not null)
        {
            message["arguments"] = arguments;
        }

        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString() + "\n");
        return await SendAsync(command, id, bytes, ct);
    }

    /// <summary>
    /// Runs <c>object-add</c> of a <c>secret</c> object whose data is <paramref name="secret"/> (UTF-8 text that needs no JSON
    /// escaping, e.g. base64). The command is built in one buffer that is zeroed once sent; the secret lives on only in QEMU.
    /// </summary>
    public async Task AddSecretAsync(string objectId, ReadOnlyMemory<byte> secret, CancellationToken ct)
    {
        foreach (var b in secret.Span)
        {
            if (b is < 0x20 or >= 0x7f or (byte)'"' or (byte)'\\')
            {
                throw new ArgumentException("The secret must be printable ASCII without quotes or backslashes.", nameof(secret));
            }
        }

        var id = Interlocked.Increment(ref _nextId);
        var prefix = Encoding.UTF8.GetBytes(
            $"{{\"execute\":\"object-add\",\"id\":{id},\"arguments\":{{\"qom-type\":\"secret\",\"id\":{JsonSerializer.Serialize(objectId)},\"format\":\"raw\",\"data\":\"");
        var suffix = "\"}}\n"u8;
        var buffer = new byte[prefix.Length + secret.Length + suffix.Length];
        try
        {
            prefix.CopyTo(buffer, 0);
            secret.Span.CopyTo(buffer.AsSpan(prefix.Length));
            suffix.CopyTo(buffer.AsSpan(prefix.Length + secret.Length));
            await SendAsync("object-add", id, buffer, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
        _write.Dispose();
        await _closed.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task<JsonElement> SendAsync(string command, long id, byte[] line, CancellationToken ct)
    {
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            await _write.WaitAsync(ct);
            try
            {
                if (_closed.Task.IsCompleted)
                {
                    throw new IOException("QEMU's monitor is closed.");
                }

                await _stream.WriteAsync(line, ct);
            }
            finally
            {
                _write.Release();
            }

            var answer = await reply.Task.WaitAsync(ct);
            if (answer.TryGetProperty("error", out var error))
            {
                throw new QmpException(
                    command,
                    error.TryGetProperty("class", out var c) ? c.GetString() ?? "" : "",
                    error.TryGetProperty("desc", out var d) ? d.GetString() ?? "" : "");
            }

            return answer.TryGetProperty("return", out var result) ? result : default;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                var start = 0;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        continue;
                    }

                    line.Write(buffer, start, i - start);
                    Dispatch(line.ToArray());
                    line.SetLength(0);
                    start = i + 1;
                }

                line.Write(buffer, start, read - start);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The monitor closed: QEMU exited or the client was disposed.
        }
        finally
        {
            _closed.TrySetResult();
            var gone = new IOException("QEMU's monitor closed.");
            _greeting.TrySetException(gone);
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(gone);
            }
        }
    }

    private void Dispatch(byte[] json)
    {
        if (json.Length == 0)
        {
            return;
        }

        JsonElement message;
        try
        {
            using var document = JsonDocument.Parse(json);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (message.TryGetProperty("QMP", out _))
        {
            _greeting.TrySetResult();
        }
        else if (message.TryGetProperty("event", out var name))
        {
            var data = message.TryGetProperty("data", out var d) ? d : default;
            _onEvent(new QmpEvent(name.GetString() ?? "", data));
        }
        else if (message.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) && _pending.TryGetValue(value, out var reply))
        {
            reply.TrySetResult(message);
        }
    }
}
