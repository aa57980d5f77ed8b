using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.RequestSizeLimiting;

/// <summary>
/// Kong's request-size-limiting (kong/plugins/request-size-limiting/handler.lua): a body over the limit
/// gets 413 "Request size limit exceeded" (417 when the client sent <c>Expect: 100-continue</c>); with
/// <c>require_content_length</c>, a request with neither Content-Length nor <c>Transfer-Encoding: chunked</c>
/// gets 411 "A valid Content-Length header is required". A body without Content-Length (chunked) is read
/// up to the limit and sent on from memory.
/// </summary>
public sealed class RequestSizeLimitingPlugin : GatewayPlugin<RequestSizeLimitingConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => RequestSizeLimitingSchema.Schema;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, RequestSizeLimitingConfig config)
    {
        var request = context.Http.Request;
        var length = request.ContentLength;
        // Kong lets a chunked body through without Content-Length (it is measured below): only a request
        // with neither is refused.
        if (config.RequireContentLength && length is null && !IsChunked(request.Headers))
        {
            context.Error(411, "A valid Content-Length header is required");
            return;
        }

        // No Content-Length but a body (chunked on HTTP/1.1, any body on HTTP/2): measure it.
        if (length is null && context.Http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            length = await BufferAsync(request, config.AllowedBytes + 1, context.Http.RequestAborted);
        }

        if (length > config.AllowedBytes)
        {
            var expect = request.Headers.Expect.ToString().Trim();
            context.Error(expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase) ? 417 : 413, "Request size limit exceeded");
        }
    }

    /// <summary>Kong's test: a single Transfer-Encoding header whose value is exactly "chunked".</summary>
    private static bool IsChunked(IHeaderDictionary headers) =>
        headers.TransferEncoding is { Count: 1 } encoding && encoding[0] == "chunked";

    /// <summary>Reads the body up to <paramref name="max"/> bytes into memory, puts it back as the body, and returns its length.</summary>
    private static async Task<long> BufferAsync(HttpRequest request, long max, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < max && (read = await request.Body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        return buffer.Length;
    }
}
