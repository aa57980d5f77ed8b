using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Node.Proxy;

/// <summary>
/// The Connection header as the client sent it. Kestrel keeps only the option of a Connection header that has
/// one (close, keep-alive or upgrade) and drops the names beside it: <c>Connection: close, X-Secret</c> reaches
/// the application as <c>close</c>, and which headers were hop-by-hop is lost. nginx hands Kong the whole value.
/// Kestrel decodes each request header with the encoding its RequestHeaderEncodingSelector names; for Connection
/// that is <see cref="ConnectionHeaderEncoding"/>, which decodes as Kestrel would and keeps the value for the
/// request of its connection (<see cref="CapturedConnectionHeader"/>, found through an <see cref="AsyncLocal{T}"/>
/// set once per connection, which flows into Kestrel's parsing and into the request).
/// </summary>
internal static class ConnectionHeaderCapture
{
    private static readonly AsyncLocal<CapturedConnectionHeader?> Current = new();
    private static readonly ConnectionHeaderEncoding Encoding = new();

    /// <summary>Sets Kestrel up to capture: the header encoding, and a connection middleware on every endpoint made after this.</summary>
    public static void Install(KestrelServerOptions kestrel)
    {
        // Called for every request header: a reference comparison for all but Connection.
        kestrel.RequestHeaderEncodingSelector = name =>
            ReferenceEquals(name, HeaderNames.Connection) || (name.Length == 10 && name.Equals(HeaderNames.Connection, StringComparison.OrdinalIgnoreCase))
                ? Encoding
                : null;
        kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Use(next => async connection =>
        {
            Current.Value = new CapturedConnectionHeader();
            await next(connection);
        }));
    }

    /// <summary>Keeps a value Kestrel decoded for the request being parsed on this connection.</summary>
    public static void Record(string value) => Current.Value?.Add(value);

    /// <summary>
    /// The Connection header lines of the request that is starting that name headers, as sent; empty when it had none
    /// (no Connection header, or only an option such as keep-alive; HTTP/2 and HTTP/3 have none). Takes them: call
    /// once, for every request.
    /// </summary>
    public static StringValues Take() => Current.Value?.Take() ?? default;
}
