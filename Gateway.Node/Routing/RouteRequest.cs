namespace Gateway.Node.Routing;

/// <summary>What the router looks at in a request.</summary>
/// <param name="Method">The request method, upper case.</param>
/// <param name="Path">The request path without query, normalized with <see cref="UriNormalizer.Normalize"/>.</param>
/// <param name="Host">The Host header (or HTTP/2 :authority) as sent, possibly with a port; empty when absent.</param>
/// <param name="LocalPort">The port the request arrived on: the port a host criterion checks when Host names none.</param>
/// <param name="IsHttps">Whether the connection is TLS; <c>snis</c> only apply then.</param>
/// <param name="Sni">The TLS server name, or null.</param>
/// <param name="Headers">The request headers.</param>
public readonly record struct RouteRequest(
    string Method,
    string Path,
    string Host,
    int LocalPort,
    bool IsHttps,
    string? Sni,
    IHeaderDictionary Headers);
