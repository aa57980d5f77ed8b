using System.Collections.Concurrent;

namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// The HTTP side of the batching plugins (http-log, opentelemetry, zipkin): pooled clients per connect timeout, a
/// request bounded by one timeout (bodies as <see cref="BatchContent"/>), and every failure as an <see cref="HttpRequestException"/> for the queue to retry.
/// </summary>
public static class BatchSender
{
    private static readonly ConcurrentDictionary<double, HttpClient> Clients = new();

    /// <summary>A pooled client whose connections time out after <paramref name="connectTimeoutMs"/>; certificates are checked.</summary>
    public static HttpClient ClientFor(double connectTimeoutMs) =>
        Clients.GetOrAdd(connectTimeoutMs, static timeout => new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(Math.Max(1, timeout)),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        });

    /// <summary>
    /// Sends <paramref name="request"/> within <paramref name="timeoutMs"/> and reads the answer's body (so the
    /// connection goes back to the pool); a failure to send is "<paramref name="failure"/>: reason".
    /// </summary>
    /// <returns>The answer's status and body.</returns>
    public static async Task<(int Status, string Body)> SendAsync(HttpClient client, HttpRequestMessage request, double timeoutMs, string failure, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, timeoutMs)));
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            throw new HttpRequestException($"{failure}: {(e is OperationCanceledException ? "timeout" : e.Message)}", e);
        }
    }
}
