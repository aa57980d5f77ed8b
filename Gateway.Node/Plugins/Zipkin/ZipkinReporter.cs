using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>
/// Kong's send_entries_to_zipkin (kong/plugins/zipkin/reporter.lua): a batch of spans POSTed to
/// <c>http_endpoint</c> as one JSON array, <c>Content-Type: application/json</c>; any status outside 2xx is a
/// failure, which the queue retries. The connect timeout is the connection pool's (one pool per
/// connect_timeout); send and read timeouts bound the request together.
/// </summary>
internal static class ZipkinReporter
{
    private static readonly ConcurrentDictionary<double, HttpClient> Clients = new();

    /// <summary>The batch's spans as one JSON array.</summary>
    public static byte[] Payload(IReadOnlyList<byte[]> spans)
    {
        var payload = new byte[spans.Sum(s => s.Length + 1) + 1];
        var at = 0;
        payload[at++] = (byte)'[';
        for (var i = 0; i < spans.Count; i++)
        {
            if (i > 0)
            {
                payload[at++] = (byte)',';
            }

            spans[i].CopyTo(payload, at);
            at += spans[i].Length;
        }

        payload[at++] = (byte)']';
        return payload[..at];
    }

    /// <summary>Posts <paramref name="spans"/>; throws on failure.</summary>
    public static async Task SendAsync(ZipkinConfig config, IReadOnlyList<byte[]> spans, CancellationToken token)
    {
        var client = Clients.GetOrAdd(config.ConnectTimeout, static timeout => new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(Math.Max(1, timeout)),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, config.HttpEndpoint) { Content = new ByteArrayContent(Payload(spans)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, config.SendTimeout + config.ReadTimeout)));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            throw new HttpRequestException($"zipkin request failed: {(e is OperationCanceledException ? "timeout" : e.Message)}", e);
        }

        using (response)
        {
            // Read the body, so the connection goes back to the pool.
            await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (status is < 200 or >= 300)
            {
                throw new HttpRequestException($"zipkin server responded unexpectedly: {status} {response.ReasonPhrase}");
            }
        }
    }
}
