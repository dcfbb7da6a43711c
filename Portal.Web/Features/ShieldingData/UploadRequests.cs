using Microsoft.AspNetCore.Http.Features;
using Portal.Core.Common;

namespace Portal.Web.Features.ShieldingData;

/// <summary>Bounded file uploads: an oversized body is refused (413) before any of it is read.</summary>
internal static class UploadRequests
{
    /// <summary>Room for the multipart framing and the small text fields around the file.</summary>
    public const long Slack = 64 * 1024;

    /// <summary>
    /// Refuses a declared Content-Length over <paramref name="limit"/> at once, and caps what the server will read of a
    /// body without one (Kestrel stops it at the limit with 413).
    /// </summary>
    public static void LimitBody(HttpContext http, long limit)
    {
        if (http.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        // The same cut-off wherever the server does not apply one (a chunked body through a proxy or test host).
        http.Request.Body = new LimitedBody(http.Request.Body, limit);
    }

    /// <summary>Reads a multipart form (bounded by <see cref="LimitBody"/>) and its file part named <c>file</c>.</summary>
    public static async Task<(IFormCollection Form, IFormFile File)> ReadFileFormAsync(HttpContext http, long limit, CancellationToken ct)
    {
        LimitBody(http, limit);
        if (!http.Request.HasFormContentType)
        {
            throw DomainValidationException.For("file", "Send multipart/form-data with the file in a part named 'file'.");
        }

        // The whole (bounded) body is read first, so parsing it touches no I/O: any failure of the multipart reader —
        // a part cut off by a truncated body ("Unexpected end of Stream") included — is the request's fault.
        var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        body.Position = 0;
        http.Request.Body = body;
        http.Response.RegisterForDispose(body);

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = 8 * 1024 }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw DomainValidationException.For("file", "The multipart body is malformed, ends before its last part does, or one of its parts is too large.");
        }

        var file = form.Files.GetFile("file")
            ?? throw DomainValidationException.For("file", "Choose a file to upload (a form part named 'file').");
        return (form, file);
    }

    /// <summary>Fails the read that would pass <paramref name="limit"/> bytes, with the 413 Kestrel itself would give.</summary>
    private sealed class LimitedBody(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge)
                : read;
        }
    }
}
