using System.Net.Http.Headers;
using Gateway.Node.Plugins.Queues;

namespace Gateway.Node.Plugins.OpenTelemetry;

/// <summary>
/// OTLP/HTTP export (kong/plugins/opentelemetry/utils.lua http_export_request): one POST of the protobuf message,
/// <c>Content-Type: application/x-protobuf</c> unless the config's headers set it; any status but 200 is a failure,
/// which the queue retries. The connect timeout is the connection pool's (one pool per connect_timeout); send and
/// read timeouts bound the request together.
/// </summary>
internal static class OtlpExporter
{
    /// <summary>
    /// Posts encoded export requests to <paramref name="endpoint"/> as one (protobuf concatenates repeated fields, so
    /// their bytes one after the other are one request with all their resource_spans or resource_logs); throws on failure.
    /// </summary>
    public static async Task ExportAsync(string endpoint, IReadOnlyList<byte[]> requests, OpenTelemetryConfig config, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new BatchContent(requests) };
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
        var (status, answer) = await BatchSender.SendAsync(BatchSender.ClientFor(config.ConnectTimeout), request, config.SendTimeout + config.ReadTimeout, "failed to send request", token);
        if (status != 200)
        {
            throw new HttpRequestException($"request failed with status {status} and body {answer}");
        }
    }
}
