using System.Collections.Concurrent;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>Keeps the body of every response a test client received, so a test can prove what never came back.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new HttpClientHandler())
{
    private readonly ConcurrentQueue<byte[]> _bodies = new();

    public IReadOnlyCollection<byte[]> Bodies => _bodies;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        _bodies.Enqueue([.. System.Text.Encoding.UTF8.GetBytes(response.Headers.ToString()), .. body]);
        var copy = new ByteArrayContent(body);
        foreach (var header in response.Content.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = copy;
        return response;
    }
}
