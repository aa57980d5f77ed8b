using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>The proxy-cache plugin's config (Kong 3.9 kong/plugins/proxy-cache/schema.lua), memory strategy only.</summary>
public static class ProxyCacheSchema
{
    /// <summary>Kong's proxy-cache handler PRIORITY: after authentication, rate limiting and the transformers.</summary>
    public const int Priority = 100;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("proxy-cache", Priority, Record("config", "The proxy-cache settings.",
        Array("response_code", new Field("response_code", FieldType.Integer) { Between = (100, 900) },
            "Upstream response status code considered cacheable.", [200, 301, 404]) with
        { Required = true, LenMin = 1 },
        Array("request_method", Typedefs.String("request_method", null, "HEAD", "GET", "POST", "PATCH", "PUT"),
            "Downstream request methods considered cacheable.", Typedefs.Strings(["GET", "HEAD"])) with
        { Required = true },
        Strings("content_type", "Upstream response content types considered cacheable. The plugin performs an **exact match** against each specified value.",
            "text/plain", "application/json") with
        { Required = true },
        Int("cache_ttl", "TTL, in seconds, of cache entities.", 300) with { Gt = 0 },
        Str("strategy", "The backing data store in which to hold cache entities.", null, "memory") with { Required = true },
        Bool("cache_control", false, "When enabled, respect the Cache-Control behaviors defined in RFC7234."),
        Typedefs.Boolean("ignore_uri_case", false) with { Description = "Determines whether to treat URIs as case sensitive. By default, case sensitivity is enabled. If set to true, requests are cached while ignoring case sensitivity in the URI." },
        Int("storage_ttl", "Number of seconds to keep resources in the storage backend. This value is independent of `cache_ttl` or resource TTLs defined by Cache-Control behaviors."),
        Record("memory", "The memory strategy's settings.",
            Str("dictionary_name", "The name of the shared dictionary in which to hold cache entities when the memory strategy is selected. Note that this dictionary currently must be defined manually in the Kong Nginx template.",
                "kong_db_cache") with
            { Required = true }),
        Array("vary_query_params", Element(), "Relevant query parameters considered for the cache key. If undefined, all params are taken into consideration."),
        Array("vary_headers", Element(), "Relevant headers considered for the cache key. If undefined, none of the headers are taken into consideration."),
        Record("response_headers", "Caching related diagnostic headers that should be included in cached responses",
            Typedefs.Boolean("age", true) with { Description = "Whether a hit carries an Age header (seconds since the response was stored)." },
            Typedefs.Boolean("X-Cache-Status", true) with { Description = "Whether responses carry X-Cache-Status (Miss, Hit, Refresh or Bypass)." },
            Typedefs.Boolean("X-Cache-Key", true) with { Description = "Whether responses carry X-Cache-Key, the request's cache key." })))
    {
        // Kong's proxy-cache declares typedefs.protocols (every protocol, HTTP ones by default).
        AllowedProtocols = Typedefs.AllProtocols,
        Checks = [CheckDictionary],
    };

    /// <summary>Kong's custom_entity_check on the plugin row: the memory strategy's dictionary must exist (here: be one of Kong's default shared dicts).</summary>
    private static void CheckDictionary(JsonObject plugin, ValidationErrors errors)
    {
        var config = plugin["config"];
        if (config?["strategy"]?.GetValue<string>() == "memory"
            && config["memory"]?["dictionary_name"]?.GetValue<string>() is { } name
            && !SharedDicts.Exists(name))
        {
            errors.Entity($"missing shared dict '{name}'");
        }
    }
}
