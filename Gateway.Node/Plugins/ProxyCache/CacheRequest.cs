namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>What proxy-cache's access phase decided for a request, for its header and body filters (Kong's <c>kong.ctx.plugin.proxy_cache</c>).</summary>
internal sealed class CacheRequest
{
    /// <summary>The request's cache key; null when the request is not cacheable (Bypass).</summary>
    public string? Key { get; init; }

    /// <summary>Miss, Refresh or Bypass; Hit when answered from the cache; null when no status goes out (an only-if-cached 504).</summary>
    public string? Status { get; init; }

    /// <summary>Whether the diagnostic headers go out whatever <c>response_headers</c> says (a Kong-Debug request header).</summary>
    public bool Debug { get; init; }

    /// <summary>The request's body, kept with the response.</summary>
    public string? RequestBody { get; init; }

    /// <summary>
    /// The response headers to store: empty for a Miss or Refresh (Kong's signal_cache_req), filled by the header filter
    /// when the response is cacheable; null when there is nothing to store.
    /// </summary>
    public List<KeyValuePair<string, string>>? Headers { get; set; }

    /// <summary>The response's freshness TTL in seconds.</summary>
    public long Ttl { get; set; }
}
