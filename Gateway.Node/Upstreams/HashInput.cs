using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Upstreams;

/// <summary>Computes the value consistent hashing hashes, as Kong's get_value_to_hash (kong/runloop/balancer/init.lua).</summary>
internal static class HashInput
{
    /// <summary>The value from hash_on, else from hash_fallback, else the empty string (every request on one spot).</summary>
    public static string Compute(UpstreamConfig upstream, BalancerRequest request)
    {
        if (upstream.HashOn == "none")
        {
            return "";
        }

        var value = Read(upstream.HashOn, upstream.HashOnHeader, upstream.HashOnQueryArg, upstream.HashOnUriCapture, upstream, request);
        if (value is null && upstream.HashFallback != "none")
        {
            value = Read(upstream.HashFallback, upstream.HashFallbackHeader, upstream.HashFallbackQueryArg, upstream.HashFallbackUriCapture, upstream, request);
        }

        return value ?? "";
    }

    private static string? Read(string input, string? header, string? queryArg, string? capture, UpstreamConfig upstream, BalancerRequest request)
    {
        var http = request.HttpContext?.Request;
        switch (input)
        {
            case "consumer":
                return request.ConsumerId ?? request.CredentialId;
            case "ip":
                var address = request.HttpContext?.Connection.RemoteIpAddress ?? request.ClientAddress;
                return address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
            case "header" when http is not null && header is not null:
                // nginx joins repeated headers with ", " since 1.23.
                return http.Headers.TryGetValue(header, out var values) && values.Count > 0 ? string.Join(", ", (IEnumerable<string?>)values) : null;
            case "cookie" when upstream.HashOnCookie is { } cookie:
                if (http?.Cookies[cookie] is { } existing)
                {
                    return existing;
                }

                // Kong creates the cookie, so the client sticks from its next request on.
                var created = Guid.NewGuid().ToString();
                request.SetCookie = $"{cookie}={created}; Path={upstream.HashOnCookiePath}; Same-Site=Lax; HttpOnly";
                return created;
            case "path" when http is not null:
                return http.Path.Value ?? "/";
            case "query_arg" when http is not null && queryArg is not null:
                return http.Query.TryGetValue(queryArg, out var args) ? QueryValue(args) : null;
            case "uri_capture" when capture is not null:
                return request.UriCaptures is { } captures && captures.TryGetValue(capture, out var captured) ? captured : null;
            default:
                return null;
        }
    }

    /// <summary>Kong's normalization: a bare argument is "true"; repeated ones are sorted and joined with commas.</summary>
    private static string QueryValue(StringValues values)
    {
        if (values.Count == 1)
        {
            return string.IsNullOrEmpty(values[0]) ? "true" : values[0]!;
        }

        var sorted = values.Select(v => string.IsNullOrEmpty(v) ? "true" : v!).Order(StringComparer.Ordinal);
        return string.Join(',', sorted);
    }
}
