using System.Net;
using System.Net.Http.Headers;

namespace Portal.HostAgent.Tests.Library;

/// <summary>
/// The portal's template-disk endpoint as a message handler: serves one disk with range support, records each request,
/// and can hold responses until released (to overlap callers) or cut a body short (an interrupted download).
/// </summary>
internal sealed class DiskServer(byte[] disk) : HttpMessageHandler
{
    private readonly List<HttpRequestMessage> _requests = [];

    public byte[] Disk { get; set; } = disk;

    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Answer 404, as the portal does for a disk no template uses.</summary>
    public bool Missing { get; set; }

    /// <summary>When set, the next response sends only this many bytes and then fails, like a dropped connection.</summary>
    public int? CutAfter { get; set; }

    public IReadOnlyList<HttpRequestMessage> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (request.Headers.Authorization?.Scheme != "Bearer")
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }

        if (Missing)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var from = request.Headers.Range?.Ranges.Single().From ?? 0;
        var slice = Disk[(int)from..];
        var cut = CutAfter;
        CutAfter = null;
        var response = new HttpResponseMessage(from > 0 ? HttpStatusCode.PartialContent : HttpStatusCode.OK)
        {
            Content = new StreamContent(cut is { } n ? new BrokenStream(slice[..n]) : new MemoryStream(slice)),
        };
        if (from > 0)
        {
            response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, Disk.Length - 1, Disk.Length);
        }

        return response;
    }

    private sealed class BrokenStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            return read > 0 ? read : throw new IOException("The connection was reset.");
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("The connection was reset.");
        }
    }
}
