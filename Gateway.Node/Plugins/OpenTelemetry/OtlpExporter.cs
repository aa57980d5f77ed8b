using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Gateway.Node.Plugins.OpenTelemetry;

/// <summary>
/// OTLP/HTTP export (kong/plugins/opentelemetry/utils.lua http_export_request): one POST of the protobuf message,
/// <c>Content-Type: application/x-protobuf</c> unless the config's headers set it; any status but 200 is a failure,
/// which the queue retries. The connect timeout is the connection pool's (one pool per connect_timeout); send and
/// read timeouts bound the request together.
/// </summary>
internal static class OtlpExporter
{
    private static readonly ConcurrentDictionary<double, HttpClient> Clients = new();

    /// <summary>Posts <paramref name="message"/> to <paramref name="endpoint"/>; throws on failure.</summary>
    public static async Task ExportAsync(string endpoint, IMessage message, OpenTelemetryConfig config, CancellationToken token)
    {
        var client = Clients.GetOrAdd(config.ConnectTimeout, static timeout => new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(timeout),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(message.ToByteArray()) };
        var contentType = "application/x-protobuf";
        foreach (var (name, value) in config.Headers ?? [])
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(config.SendTimeout + config.ReadTimeout));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            throw new HttpRequestException($"failed to send request: {(e is OperationCanceledException ? "timeout" : e.Message)}", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if ((int)response.StatusCode != 200)
            {
                throw new HttpRequestException($"request failed with status {(int)response.StatusCode} and body {body}");
            }
        }
    }
}
