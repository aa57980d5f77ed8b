using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>
/// The request both plugins send upstream in place of the client's (Kong's handlers: Content-Type
/// application/grpc, TE trailers, the raw body replaced; grpc-gateway also sets POST and the method's path), and
/// the upstream's trailers, kept for the body filter instead of going to the client (an HTTP/1.1 client could not
/// receive them, and grpc-web carries them in its body).
/// </summary>
public sealed class GrpcUpstream : IHttpResponseTrailersFeature, IHttpRequestBodyDetectionFeature
{
    private GrpcUpstream()
    {
    }

    /// <summary>The body sent (with 502) when the upstream's message does not decode as the method's output type: Kong's text for an invalid upstream answer.</summary>
    public static ReadOnlyMemory<byte> BadResponse { get; } = """{"message":"An invalid response was received from the upstream server"}"""u8.ToArray();

    /// <summary>The upstream's trailers, filled by the forwarder after the body.</summary>
    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    /// <inheritdoc />
    /// <remarks>The replaced body is sent even on a GET: the forwarder asks this before it copies a body.</remarks>
    public bool CanHaveBody => true;

    /// <summary>Turns the request into a gRPC call carrying <paramref name="body"/> (already framed).</summary>
    public static GrpcUpstream Call(PluginContext context, byte[] body)
    {
        var http = context.Http;
        var request = http.Request;
        request.Method = HttpMethods.Post;
        request.Headers.ContentType = "application/grpc";
        request.Headers.TE = "trailers";
        RequestBodies.Replace(request, body);
        var upstream = new GrpcUpstream();
        http.Features.Set<IHttpRequestBodyDetectionFeature>(upstream);
        http.Features.Set<IHttpResponseTrailersFeature>(upstream);
        return upstream;
    }

    /// <summary>
    /// The call's grpc-status and grpc-message: from the response headers of a trailers-only answer (the only place
    /// Kong's header filter looks), else from the trailers; null when the upstream sent neither.
    /// </summary>
    public (string Status, string Message)? Status(HttpResponse response)
    {
        foreach (var headers in (ReadOnlySpan<IHeaderDictionary>)[response.Headers, Trailers])
        {
            if (headers.TryGetValue("grpc-status", out var status))
            {
                return (status.ToString(), headers["grpc-message"].ToString());
            }
        }

        return null;
    }
}
