using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk;

/// <summary>
/// What the log phase gets: a copy of one finished request, taken when its response was sent, so
/// it stays valid on any thread after the request is gone (the ASP.NET Core objects are recycled).
/// <see cref="Serialize"/> gives Kong's basic log serializer shape (kong/pdk/log.lua).
/// </summary>
public sealed class PluginLog
{
    /// <summary>The request id (X-Kong-Request-Id).</summary>
    public required string RequestId { get; init; }

    /// <summary>When the request arrived, as Unix milliseconds.</summary>
    public required long StartedAt { get; init; }

    /// <summary>The client's address.</summary>
    public required string ClientIp { get; init; }

    /// <summary>The request method.</summary>
    public required string Method { get; init; }

    /// <summary>The request target as the client sent it (path and query).</summary>
    public required string Uri { get; init; }

    /// <summary>The full request URL: scheme, host, port and target.</summary>
    public required string Url { get; init; }

    /// <summary>The request's query arguments (first value of each name; Kong gives a list for repeats, kept as an array here).</summary>
    public required JsonObject QueryString { get; init; }

    /// <summary>Request headers, lower-case names, as received.</summary>
    public required IReadOnlyDictionary<string, string> RequestHeaders { get; init; }

    /// <summary>Request size in bytes (headers are not counted; the body's length when known).</summary>
    public required long RequestSize { get; init; }

    /// <summary>The status sent to the client.</summary>
    public required int Status { get; init; }

    /// <summary>Response headers, lower-case names, as sent.</summary>
    public required IReadOnlyDictionary<string, string> ResponseHeaders { get; init; }

    /// <summary>Response body size in bytes when known.</summary>
    public required long ResponseSize { get; init; }

    /// <summary>The upstream's status; null when the upstream was not called.</summary>
    public int? UpstreamStatus { get; init; }

    /// <summary>The path and query sent upstream; null when the upstream was not called.</summary>
    public string? UpstreamUri { get; init; }

    /// <summary>Milliseconds spent in the gateway before the upstream was called (or in total for a gateway answer).</summary>
    public required long KongLatency { get; init; }

    /// <summary>Milliseconds the upstream took to answer headers; -1 when it was not called.</summary>
    public required long ProxyLatency { get; init; }

    /// <summary>Milliseconds from the request's arrival to the end of the response.</summary>
    public required long RequestLatency { get; init; }

    /// <summary>"upstream" when the upstream answered, "kong" when a plugin or the gateway did.</summary>
    public required string Source { get; init; }

    /// <summary>The matched route's row, or null.</summary>
    public JsonObject? Route { get; init; }

    /// <summary>The matched service's row, or null.</summary>
    public JsonObject? Service { get; init; }

    /// <summary>The authenticated consumer's row, or null.</summary>
    public JsonObject? Consumer { get; init; }

    /// <summary>The credential the consumer authenticated with, or null.</summary>
    public JsonObject? Credential { get; init; }

    /// <summary>Fields plugins added with <see cref="PluginContext.LogValues"/>.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Extra { get; init; }

    /// <summary>Kong's basic serializer record for this request (what http-log and file-log send).</summary>
    public JsonObject Serialize()
    {
        var record = new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["uri"] = Uri,
                ["url"] = Url,
                ["querystring"] = QueryString.DeepClone(),
                ["method"] = Method,
                ["headers"] = Headers(RequestHeaders),
                ["size"] = RequestSize,
            },
            ["upstream_uri"] = UpstreamUri ?? "",
            ["response"] = new JsonObject
            {
                ["status"] = Status,
                ["headers"] = Headers(ResponseHeaders),
                ["size"] = ResponseSize,
            },
            ["latencies"] = new JsonObject
            {
                ["kong"] = KongLatency,
                ["proxy"] = ProxyLatency,
                ["request"] = RequestLatency,
            },
            ["client_ip"] = ClientIp,
            ["started_at"] = StartedAt,
            ["source"] = Source,
        };
        if (UpstreamStatus is { } upstreamStatus)
        {
            record["upstream_status"] = upstreamStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (Route is not null)
        {
            record["route"] = Route.DeepClone();
        }

        if (Service is not null)
        {
            record["service"] = Service.DeepClone();
        }

        if (Consumer is not null)
        {
            record["consumer"] = Consumer.DeepClone();
        }

        if (Credential is not null)
        {
            record["authenticated_entity"] = new JsonObject
            {
                ["id"] = Credential["id"]?.DeepClone(),
                ["consumer_id"] = Consumer?["id"]?.DeepClone(),
            };
        }

        foreach (var (key, value) in Extra ?? new Dictionary<string, JsonNode?>())
        {
            record[key] = value?.DeepClone();
        }

        return record;
    }

    private static JsonObject Headers(IReadOnlyDictionary<string, string> headers)
    {
        var json = new JsonObject();
        foreach (var (name, value) in headers)
        {
            json[name] = value;
        }

        return json;
    }
}
