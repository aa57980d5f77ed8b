using System.Text.Json.Serialization;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>The proxy-cache config (see <see cref="ProxyCacheSchema"/>), with its content types parsed once.</summary>
public sealed record ProxyCacheConfig(
    int[] ResponseCode,
    string[] RequestMethod,
    string[] ContentType,
    long CacheTtl,
    string Strategy,
    bool CacheControl,
    bool IgnoreUriCase,
    long? StorageTtl,
    ProxyCacheMemoryConfig Memory,
    string[]? VaryQueryParams,
    string[]? VaryHeaders)
{
    /// <summary><c>response_headers</c>: which diagnostic headers go out (its field names are header names, read by hand).</summary>
    [JsonIgnore]
    public ProxyCacheResponseHeaders ResponseHeaders { get; init; } = new(true, true, true);

    /// <summary><c>content_type</c> parsed.</summary>
    [JsonIgnore]
    public MediaType[] CacheableTypes { get; init; } = [];
}

/// <summary><c>memory</c>: the shared dict the memory strategy keeps responses in.</summary>
public sealed record ProxyCacheMemoryConfig(string DictionaryName);

/// <summary><c>response_headers</c>: whether Age, X-Cache-Status and X-Cache-Key are sent (a Kong-Debug request header sends them all).</summary>
public sealed record ProxyCacheResponseHeaders(bool Age, bool XCacheStatus, bool XCacheKey);
