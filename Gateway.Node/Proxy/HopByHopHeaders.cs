using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Node.Proxy;

/// <summary>
/// The hop-by-hop headers a Connection header names (RFC 9110 7.6.1), cleared both ways as Kong's runloop does
/// (kong/runloop/handler.lua): YARP drops only the fixed set (Connection, Keep-Alive, TE, Upgrade, Proxy-*),
/// not what a sender lists, so <c>Connection: close, X-Secret</c> would take X-Secret to the upstream.
/// </summary>
internal static class HopByHopHeaders
{
    /// <summary>Removes from the upstream request what the client's Connection names, and Proxy (httpoxy), as Kong.</summary>
    /// <param name="connection">The client's Connection header lines that name headers (<see cref="ConnectionHeaderCapture"/>).</param>
    /// <param name="incoming">The client's request headers.</param>
    /// <param name="proxyRequest">The upstream request, its headers copied and Kong's own not yet set.</param>
    public static void RemoveFromRequest(StringValues connection, IHeaderDictionary incoming, HttpRequestMessage proxyRequest)
    {
        if (incoming.ContainsKey("Proxy"))
        {
            proxyRequest.Headers.Remove("Proxy");
        }

        if (connection.Count == 0)
        {
            return;
        }

        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var name = value.AsSpan()[range].Trim();
                if (IsNamed(name))
                {
                    var header = name.ToString();
                    Remove(proxyRequest.Headers, header);
                    if (proxyRequest.Content is { } content)
                    {
                        Remove(content.Headers, header);
                    }
                }
            }
        }
    }

    /// <summary>Removes from the client's response what the upstream's Connection names.</summary>
    /// <param name="upstream">The upstream's response.</param>
    /// <param name="outgoing">The client's response headers, the upstream's copied.</param>
    public static void RemoveFromResponse(HttpResponseMessage upstream, IHeaderDictionary outgoing)
    {
        if (!upstream.Headers.NonValidated.TryGetValues(HeaderNames.Connection, out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            if (IsOnlyAnOption(value.AsSpan().Trim()))
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                var name = value.AsSpan()[range].Trim();
                if (IsNamed(name))
                {
                    outgoing.Remove(name.ToString());
                }
            }
        }
    }

    /// <summary>Whether a Connection value is one of the usual ones, which name no header: looked at first, so they cost no parsing.</summary>
    public static bool IsOnlyAnOption(ReadOnlySpan<char> value) =>
        value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) || value.Equals("close", StringComparison.OrdinalIgnoreCase)
        || value.Equals("upgrade", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A token that names a header to clear: not a connection option, and not what the proxy sets itself (framing,
    /// Host, Upgrade for WebSockets), which the connection rules never let a sender take away.
    /// </summary>
    private static bool IsNamed(ReadOnlySpan<char> token) =>
        !token.IsEmpty
        && !token.Equals("close", StringComparison.OrdinalIgnoreCase)
        && !token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
        && !token.Equals("upgrade", StringComparison.OrdinalIgnoreCase)
        && !token.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
        && !token.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase)
        && !token.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Removes a header only a collection holds (its Remove throws on a name it does not allow).</summary>
    private static void Remove(System.Net.Http.Headers.HttpHeaders headers, string name)
    {
        if (headers.NonValidated.Contains(name))
        {
            headers.Remove(name);
        }
    }
}
