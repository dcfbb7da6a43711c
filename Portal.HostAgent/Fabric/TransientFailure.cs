namespace Portal.HostAgent.Fabric;

/// <summary>A call to the portal that did not get through, or got no answer within the client's timeout: worth sending again.</summary>
public static class TransientFailure
{
    public static bool Is(Exception e, CancellationToken ct) =>
        e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested);
}
