using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Settings;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// Kong's proxy-cache (kong/plugins/proxy-cache/handler.lua), memory strategy: access answers a request from this
/// node's cache (X-Cache-Status: Hit, Age) without calling the upstream, or lets it through as Miss, Refresh (the
/// cached response is too old for the request or the config) or Bypass (the request is not cacheable); the header
/// filter decides whether the upstream's response is cacheable (else Bypass), and the body filter stores it.
/// </summary>
public sealed class ProxyCachePlugin(PluginServices services) : GatewayPlugin<ProxyCacheConfig>
{
    /// <summary>The <see cref="PluginContext.Shared"/> key of the request's <see cref="CacheRequest"/>.</summary>
    internal const string SharedKey = "proxy-cache";

    /// <summary>
    /// Response headers not stored: Kong's hop-by-hop list with Content-Length, the diagnostic headers (set anew on a
    /// hit) and the gateway's own per-request ones (a hit gets its own).
    /// </summary>
    private static readonly FrozenSet<string> NotStored = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailers", "Transfer-Encoding", "Upgrade", "Content-Length",
        "Age", "X-Cache-Status", "X-Cache-Key",
        "X-Kong-Request-Id", "X-Kong-Upstream-Latency", "X-Kong-Proxy-Latency", "X-Kong-Response-Latency", "X-Kong-Upstream-Status");

    private MemoryDictionaries? _dictionaries;
    private IReadOnlyList<PluginAdminRoute>? _routes;

    /// <inheritdoc />
    public override PluginSchema Schema => ProxyCacheSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<PluginAdminRoute> AdminRoutes => _routes ??= ProxyCacheApi.Routes(() => Dictionaries);

    /// <summary>This node's dicts, made on first use with the node's <c>mem_cache_size</c>.</summary>
    internal MemoryDictionaries Dictionaries
    {
        get
        {
            if (Volatile.Read(ref _dictionaries) is { } made)
            {
                return made;
            }

            var size = (services.Find<GatewaySettings>() ?? GatewaySettings.Default).MemCacheSize;
            Interlocked.CompareExchange(ref _dictionaries, new MemoryDictionaries(size, Time), null);
            return _dictionaries;
        }
    }

    private TimeProvider Time => services.Find<TimeProvider>() ?? TimeProvider.System;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, ProxyCacheConfig config)
    {
        var request = context.Http.Request;
        var debug = request.Headers.ContainsKey("Kong-Debug");
        var cc = CacheDirectives.Parse(request.Headers.CacheControl);
        if (!IsCacheable(request, config, cc))
        {
            context.Shared[SharedKey] = new CacheRequest { Status = "Bypass", Debug = debug };
            return;
        }

        var key = CacheKey.For(context.Http, context.ConsumerId, context.RouteId, config);
        var cached = Dictionaries.For(config.Memory.DictionaryName).Fetch(key);
        if (cached is null)
        {
            if (config.CacheControl && cc.Has("only-if-cached"))
            {
                // RFC 7234 5.2.1.7: the client wants nothing but the cache.
                context.Shared[SharedKey] = new CacheRequest { Key = key, Debug = debug };
                context.Exit(504);
                return;
            }

            context.Shared[SharedKey] = new CacheRequest { Key = key, Status = "Miss", Debug = debug, RequestBody = await RequestBodyAsync(request), Headers = [] };
            return;
        }

        var age = Now() - cached.Timestamp;
        var stale = config.CacheControl
            ? (cc.Number("max-age") is { } maxAge && age > maxAge)
                || (cc.Number("max-stale") is { } maxStale && age - cached.Ttl > maxStale)
                || (cc.Number("min-fresh") is { } minFresh && cached.Ttl - age < minFresh)
            : age > config.CacheTtl;
        if (stale)
        {
            context.Shared[SharedKey] = new CacheRequest { Key = key, Status = "Refresh", Debug = debug, RequestBody = await RequestBodyAsync(request), Headers = [] };
            return;
        }

        context.Shared[SharedKey] = new CacheRequest { Key = key, Status = "Hit", Debug = debug };
        var headers = cached.Headers.Where(h => !h.Key.Contains("ratelimit-remaining", StringComparison.OrdinalIgnoreCase)).ToList();
        AddIf(headers, config.ResponseHeaders.Age || debug, "Age", age.ToString(CultureInfo.InvariantCulture));
        AddIf(headers, config.ResponseHeaders.XCacheStatus || debug, "X-Cache-Status", "Hit");
        AddIf(headers, config.ResponseHeaders.XCacheKey || debug, "X-Cache-Key", key);

        // Kong sets each stored header over what the response had so far.
        foreach (var name in headers.Select(h => h.Key).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            context.Http.Response.Headers.Remove(name);
        }

        // The body's length goes with it: nothing is streamed from elsewhere (a 204 or 304 has none).
        if (cached.Status is not (204 or 304))
        {
            headers.Add(new("Content-Length", cached.Body.Length.ToString(CultureInfo.InvariantCulture)));
        }

        context.ExitStreamed(cached.Status, new MemoryStream(cached.Body, writable: false), headers);
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, ProxyCacheConfig config)
    {
        if (State(context) is not { } state || state.Status == "Hit")
        {
            return;
        }

        var response = context.Http.Response;
        var headers = response.Headers;
        Set(state.Key is not null && (config.ResponseHeaders.XCacheKey || state.Debug), "X-Cache-Key", state.Key);
        Set(state.Status is not null && (config.ResponseHeaders.XCacheStatus || state.Debug), "X-Cache-Status", state.Status);
        if (state.Headers is null)
        {
            return;
        }

        var cc = CacheDirectives.Parse(headers.CacheControl);
        var now = Now();
        if (!IsCacheable(response, config, cc, now))
        {
            Set(config.ResponseHeaders.XCacheStatus || state.Debug, "X-Cache-Status", "Bypass");
            state.Headers = null;
            return;
        }

        foreach (var (name, values) in headers)
        {
            if (!NotStored.Contains(name))
            {
                state.Headers.AddRange(values.Select(v => KeyValuePair.Create(name, v ?? "")));
            }
        }

        state.Ttl = config.CacheControl ? (long)cc.ResourceTtl(headers.Expires, now) : config.CacheTtl;

        void Set(bool enabled, string name, string? value)
        {
            if (enabled)
            {
                headers[name] = value;
            }
        }
    }

    /// <inheritdoc />
    public override ReadOnlyMemory<byte> BodyFilter(PluginContext context, ProxyCacheConfig config, ReadOnlyMemory<byte> body)
    {
        if (State(context) is { Key: { } key, Headers: { } headers } state)
        {
            var stored = new CachedResponse(context.Http.Response.StatusCode, headers, body.ToArray(), Now(), state.Ttl, state.RequestBody);
            Dictionaries.For(config.Memory.DictionaryName).Store(key, stored, config.StorageTtl ?? (config.CacheControl ? state.Ttl : config.CacheTtl));
        }

        return body;
    }

    /// <inheritdoc />
    protected override ProxyCacheConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        var headers = config["response_headers"];
        return read with
        {
            ResponseHeaders = new(On(headers?["age"]), On(headers?["X-Cache-Status"]), On(headers?["X-Cache-Key"])),
            CacheableTypes = [.. read.ContentType.Select(MediaType.Parse).OfType<MediaType>()],
        };

        static bool On(JsonNode? flag) => flag?.GetValue<bool>() ?? true;
    }

    /// <summary>Kong's cacheable_request: a configured method, and with <c>cache_control</c> no no-store, no-cache or Authorization.</summary>
    private static bool IsCacheable(HttpRequest request, ProxyCacheConfig config, CacheDirectives cc) =>
        config.RequestMethod.Contains(request.Method, StringComparer.Ordinal)
        && !(config.CacheControl && (cc.Has("no-store") || cc.Has("no-cache") || request.Headers.ContainsKey("Authorization")));

    /// <summary>
    /// Kong's cacheable_response: a configured status and content type, and with <c>cache_control</c> no private,
    /// no-store or no-cache and a TTL of its own (s-maxage, max-age or Expires) above 0.
    /// </summary>
    private static bool IsCacheable(HttpResponse response, ProxyCacheConfig config, CacheDirectives cc, long now) =>
        config.ResponseCode.Contains(response.StatusCode)
        && response.Headers.ContentType is [{ Length: > 0 } type]
        && MediaType.Parse(type) is { } actual && config.CacheableTypes.Any(t => t.Accepts(actual))
        && !(config.CacheControl && (cc.Has("private") || cc.Has("no-store") || cc.Has("no-cache") || cc.ResourceTtl(response.Headers.Expires, now) <= 0));

    /// <summary>Kong's <c>kong.request.get_raw_body</c> kept with a stored response: "" without a body, null past what the gateway reads.</summary>
    private static async Task<string?> RequestBodyAsync(HttpRequest request) =>
        request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding") ? ""
        : await RequestBodies.ReadAsync(request) is { } body ? Encoding.UTF8.GetString(body) : null;

    private static CacheRequest? State(PluginContext context) =>
        context.Shared.TryGetValue(SharedKey, out var state) ? state as CacheRequest : null;

    private static void AddIf(List<KeyValuePair<string, string>> headers, bool enabled, string name, string value)
    {
        if (enabled)
        {
            headers.Add(new(name, value));
        }
    }

    private long Now() => Time.GetUtcNow().ToUnixTimeSeconds();
}
