using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Gallery;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Library;

/// <summary>
/// Template disks on this host, fetched from the portal's library and kept by content as
/// <c>{DataFolder}/library/{SHA-384}.disk</c>. A download goes to <c>{hash}.partial</c> and resumes from there
/// (<c>Range</c>) after an interruption; only a file whose SHA-384 matches is ever moved into place, so a cached
/// disk is a verified disk. Concurrent requests for one disk share one download.
/// </summary>
public sealed class TemplateDiskCache(
    IHttpClientFactory http,
    HostCredentialStore credentials,
    IOptions<HostAgentOptions> options,
    ILogger<TemplateDiskCache> logger) : ITemplateDiskSource, IDisposable
{
    public const string FolderName = "library";

    private const int BlockSize = 1024 * 1024;
    private const int Attempts = 3;

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _downloads = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public string Folder => Path.Combine(Path.GetFullPath(options.Value.DataFolder), FolderName);

    /// <summary>
    /// The local path of the verified disk with this SHA-384 and length, downloading it first when it is not cached.
    /// Throws <see cref="TemplateDiskException"/> when the portal does not have it or the bytes do not match.
    /// Cancelling stops this caller's wait; the shared download goes on for others (and resumes later if stopped).
    /// </summary>
    public async Task<string> GetAsync(string sha384, long sizeBytes, CancellationToken ct)
    {
        var hash = NormalizeHash(sha384);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeBytes);
        var path = DiskPath(hash);
        if (File.Exists(path) && new FileInfo(path).Length == sizeBytes)
        {
            return path;
        }

        var download = _downloads.GetOrAdd(hash, h => new Lazy<Task<string>>(() => DownloadAndForgetAsync(h, sizeBytes)));
        return await download.Value.WaitAsync(ct);
    }

    Task<string> ITemplateDiskSource.GetVerifiedDiskAsync(string sha384, long sizeBytes, CancellationToken ct) => GetAsync(sha384, sizeBytes, ct);

    /// <summary>Stops downloads under way. Safe to call twice (the container disposes it as itself and as its interface).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
    }

    private string DiskPath(string hash) => Path.Combine(Folder, hash + ".disk");

    private async Task<string> DownloadAndForgetAsync(string hash, long sizeBytes)
    {
        try
        {
            return await DownloadAsync(hash, sizeBytes, _stopping.Token);
        }
        finally
        {
            _downloads.TryRemove(hash, out _);
        }
    }

    private async Task<string> DownloadAsync(string hash, long sizeBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var partial = Path.Combine(Folder, hash + ".partial");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await FetchRestAsync(hash, sizeBytes, partial, ct);
                break;
            }
            catch (Exception e) when (e is IOException or HttpRequestException && attempt < Attempts && !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Template disk {Sha384} download interrupted (attempt {Attempt}); resuming", hash, attempt);
            }
        }

        await VerifyAsync(hash, sizeBytes, partial, ct);
        var path = DiskPath(hash);
        File.Move(partial, path, overwrite: true);
        logger.LogInformation("Template disk {Sha384} cached ({Bytes} bytes)", hash, sizeBytes);
        return path;
    }

    /// <summary>Brings the partial file up to <paramref name="sizeBytes"/>, asking only for what it lacks.</summary>
    private async Task FetchRestAsync(string hash, long sizeBytes, string partial, CancellationToken ct)
    {
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (have > sizeBytes)
        {
            File.Delete(partial);
            have = 0;
        }

        if (have == sizeBytes)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{FabricRoutes.TemplateDisks}/{hash}");
        var credential = credentials.Load()?.Credential
            ?? throw new TemplateDiskException($"Cannot fetch template disk {Short(hash)}: this host has not joined the fabric yet.");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var response = await http.CreateClient(PortalFabricClient.HttpClientName)
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From == have:
                break;
            case HttpStatusCode.OK:
                have = 0;
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                // The partial file is longer than the portal's disk: it is not this disk; start again.
                File.Delete(partial);
                throw new IOException($"The portal refused to resume template disk {Short(hash)}; starting over.");
            case HttpStatusCode.NotFound:
                throw new TemplateDiskException($"The portal has no template disk {Short(hash)} in its library.");
            default:
                throw new TemplateDiskException(
                    $"The portal answered {(int)response.StatusCode} {response.ReasonPhrase} for template disk {Short(hash)}.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await using var file = new FileStream(partial, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous,
        });
        file.SetLength(have);
        file.Seek(have, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BlockSize), ct)) > 0)
            {
                have += read;
                if (have > sizeBytes)
                {
                    await file.DisposeAsync();
                    File.Delete(partial);
                    throw new TemplateDiskException(
                        $"Template disk {Short(hash)} is longer than the {sizeBytes} bytes the template states; it was discarded.");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (have < sizeBytes)
        {
            throw new IOException($"Template disk {Short(hash)} ended after {have} of {sizeBytes} bytes.");
        }
    }

    private async Task VerifyAsync(string hash, long sizeBytes, string partial, CancellationToken ct)
    {
        string actual;
        await using (var file = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous))
        {
            actual = Convert.ToHexString(await SHA384.HashDataAsync(file, ct));
        }

        if (!string.Equals(actual, hash, StringComparison.Ordinal))
        {
            File.Delete(partial);
            logger.LogWarning("Template disk {Sha384} downloaded with SHA-384 {Actual} and was discarded", hash, actual);
            throw new TemplateDiskException(
                $"The downloaded template disk does not match: expected SHA-384 {Short(hash)}, got {Short(actual)} ({sizeBytes} bytes). "
                + "It was discarded and not cached.");
        }
    }

    private static string NormalizeHash(string sha384) =>
        TemplateDiskHash.IsValid(sha384)
            ? sha384.ToUpper(CultureInfo.InvariantCulture)
            : throw new ArgumentException("A template disk is named by its SHA-384: 96 hexadecimal characters.", nameof(sha384));

    private static string Short(string hash) => TemplateDiskHash.Short(hash);
}
