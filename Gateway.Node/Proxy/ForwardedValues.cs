namespace Gateway.Node.Proxy;

/// <summary>
/// The values Kong computes for X-Forwarded-* and X-Real-IP (kong/runloop/handler.lua, access
/// phase): from the client's headers only when it is in trusted_ips. Computed once per request, before
/// routing (<see cref="ForwardedHeaders"/>); a struct kept inside <see cref="ProxyExchange"/>.
/// </summary>
/// <param name="For">X-Forwarded-For: the client's list with the peer appended.</param>
/// <param name="Proto">X-Forwarded-Proto.</param>
/// <param name="Host">X-Forwarded-Host: the host without port, lower case (nginx's <c>$host</c>).</param>
/// <param name="Port">X-Forwarded-Port: the port the request arrived on.</param>
/// <param name="Path">X-Forwarded-Path: the request path without query, as sent.</param>
/// <param name="Prefix">The X-Forwarded-Prefix a trusted client sent; null otherwise (then strip_path's prefix goes, from the route match).</param>
/// <param name="RealIp">X-Real-IP: the peer address.</param>
internal readonly record struct ForwardedValues(string For, string Proto, string Host, string Port, string Path, string? Prefix, string RealIp);
