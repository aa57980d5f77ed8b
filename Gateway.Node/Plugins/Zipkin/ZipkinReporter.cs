using System.Net.Http.Headers;
using Gateway.Node.Plugins.Queues;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>
/// Kong's send_entries_to_zipkin (kong/plugins/zipkin/reporter.lua): a batch of spans POSTed to
/// <c>http_endpoint</c> as one JSON array, <c>Content-Type: application/json</c>; any status outside 2xx is a
/// failure, which the queue retries. The connect timeout is the connection pool's (one pool per
/// connect_timeout); send and read timeouts bound the request together.
/// </summary>
internal static class ZipkinReporter
{
    /// <summary>Posts <paramref name="spans"/> as one JSON array; throws on failure.</summary>
    public static async Task SendAsync(ZipkinConfig config, IReadOnlyList<byte[]> spans, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, config.HttpEndpoint) { Content = BatchContent.JsonArray(spans) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var (status, _) = await BatchSender.SendAsync(BatchSender.ClientFor(config.ConnectTimeout), request, config.SendTimeout + config.ReadTimeout, "zipkin request failed", token);
        if (status is < 200 or >= 300)
        {
            throw new HttpRequestException($"zipkin server responded unexpectedly: {status}");
        }
    }
}
