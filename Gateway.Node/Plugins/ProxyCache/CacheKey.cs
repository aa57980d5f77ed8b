using System.Security.Cryptography;
using System.Text;
using Gateway.Plugins.Sdk.Pdk;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// Kong's cache key (kong/plugins/proxy-cache/cache_key.lua): the lower-case hex SHA-256 of
/// <c>prefix|method|uri|params|headers</c>, where prefix is "consumer:route", the route alone, or "default";
/// uri is nginx's request line (<c>$request</c>) cut at the first '?' (so a request without a query keeps its
/// " HTTP/1.1"), lower-cased with <c>ignore_uri_case</c>; params the query arguments (<c>vary_query_params</c>, or
/// all of them sorted) and headers the <c>vary_headers</c>, each as "name=value" joined by ':' (repeated values
/// sorted and joined by ',', a flag argument as its name alone).
/// </summary>
public static class CacheKey
{
    /// <summary>The key of a request.</summary>
    public static string For(HttpContext http, string? consumerId, string? routeId, ProxyCacheConfig config)
    {
        var request = http.Request;
        var uri = RequestLine(http);
        var cut = uri.IndexOf('?');
        if (cut >= 0)
        {
            uri = uri[..cut];
        }

        if (config.IgnoreUriCase)
        {
            uri = uri.ToLowerInvariant();
        }

        return Build(
            consumerId,
            routeId,
            request.Method,
            uri,
            ParamsKey(QueryArgs.Parse(request.QueryString.Value, QueryArgs.NginxMaxArgs), config.VaryQueryParams),
            HeadersKey(request.Headers, config.VaryHeaders));
    }

    /// <summary>Kong's build_cache_key over the parts already rendered.</summary>
    public static string Build(string? consumerId, string? routeId, string method, string uri, string paramsKey, string headersKey)
    {
        var prefix = consumerId is not null && routeId is not null ? $"{consumerId}:{routeId}" : routeId ?? "default";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{prefix}|{method}|{uri}|{paramsKey}|{headersKey}")));
    }

    /// <summary>The query's part: the configured names in order, or every name sorted when none are configured.</summary>
    public static string ParamsKey(QueryArgs query, string[]? vary)
    {
        var names = vary is { Length: > 0 } ? vary : [.. query.Names.Order(StringComparer.Ordinal)];
        return Join(names, name => query.Get(name));
    }

    /// <summary>The headers' part: the configured headers (names matched as Kong's header table does), or "" when none are.</summary>
    public static string HeadersKey(IHeaderDictionary headers, string[]? vary) =>
        vary is { Length: > 0 } ? Join(vary, name => headers[name.Replace('_', '-')].ToArray()) : "";

    /// <summary>nginx's <c>$request</c>: method, the target as sent, and the protocol as nginx writes it.</summary>
    private static string RequestLine(HttpContext http)
    {
        var request = http.Request;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.Path + request.QueryString;
        var protocol = request.Protocol switch
        {
            "HTTP/2" => "HTTP/2.0",
            "HTTP/3" => "HTTP/3.0",
            var other => other,
        };
        return $"{request.Method} {target} {protocol}";
    }

    private static string Join(IEnumerable<string> names, Func<string, IReadOnlyList<string?>> values)
    {
        var parts = new List<string>();
        foreach (var name in names)
        {
            switch (values(name))
            {
                case []:
                    break;
                case [null]:
                    parts.Add(name);
                    break;
                case [var one]:
                    parts.Add($"{name}={one}");
                    break;
                case var many:
                    parts.Add($"{name}={string.Join(',', many.Select(v => v ?? "true").Order(StringComparer.Ordinal))}");
                    break;
            }
        }

        return string.Join(':', parts);
    }
}
