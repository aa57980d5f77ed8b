using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

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

    /// <summary>
    /// The request's query arguments as Kong's <c>kong.request.get_query</c> gives them: a string per name,
    /// <c>true</c> for a name without '=', an array for a repeated name.
    /// </summary>
    public required JsonObject QueryString { get; init; }

    /// <summary>Request headers, lower-case names, as received; a repeated header keeps each value (Kong logs them as an array).</summary>
    public required IReadOnlyDictionary<string, StringValues> RequestHeaders { get; init; }

    /// <summary>The TLS version as nginx names it ("TLSv1.3"); null for a plain-text request.</summary>
    public string? TlsVersion { get; init; }

    /// <summary>The negotiated cipher suite; null for a plain-text request.</summary>
    public string? TlsCipher { get; init; }

    /// <summary>Request size in bytes (headers are not counted; the body's length when known).</summary>
    public required long RequestSize { get; init; }

    /// <summary>The status sent to the client.</summary>
    public required int Status { get; init; }

    /// <summary>Response headers, lower-case names, as sent; a repeated header keeps each value.</summary>
    public required IReadOnlyDictionary<string, StringValues> ResponseHeaders { get; init; }

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

    /// <summary>Milliseconds spent receiving the upstream's response after its headers (Kong's latencies.receive); 0 when it was not called.</summary>
    public long ReceiveLatency { get; init; }

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

    /// <summary>
    /// The request's <see cref="PluginContext.Shared"/> values as its earlier phases left them (state a plugin kept
    /// from access or header_filter for its log phase); null when none was set. Not part of the serialized record.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Shared { get; init; }

    /// <summary>The request's tries of the upstream, in order; empty when none was made.</summary>
    public IReadOnlyList<BalancerTry> Tries { get; init; } = [];

    /// <summary>The request's spans, ended, when the request was traced (<see cref="PluginContext.Trace"/>); not part of the serialized record.</summary>
    public Tracing.RequestTrace? Trace { get; init; }

    /// <summary>Kong's basic serializer record for this request (what http-log and file-log send).</summary>
    public JsonObject Serialize()
    {
        var request = new JsonObject
        {
            ["id"] = RequestId,
            ["uri"] = Uri,
            ["url"] = Url,
            ["querystring"] = QueryString.DeepClone(),
            ["method"] = Method,
            ["headers"] = Headers(RequestHeaders, redact: true),
            ["size"] = RequestSize,
        };
        if (TlsVersion is not null)
        {
            // nginx's $ssl_client_verify: no client certificate is asked for, so "NONE".
            request["tls"] = new JsonObject { ["version"] = TlsVersion, ["cipher"] = TlsCipher, ["client_verify"] = "NONE" };
        }

        var record = new JsonObject
        {
            ["request"] = request,
            ["upstream_uri"] = UpstreamUri ?? "",

            // nginx's $upstream_status is a string, empty when no upstream answered.
            ["upstream_status"] = UpstreamStatus is { } upstreamStatus ? upstreamStatus.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
            ["response"] = new JsonObject
            {
                ["status"] = Status,
                ["headers"] = Headers(ResponseHeaders, redact: false),
                ["size"] = ResponseSize,
            },
            ["latencies"] = new JsonObject
            {
                ["kong"] = KongLatency,
                ["proxy"] = ProxyLatency,
                ["request"] = RequestLatency,
                ["receive"] = ReceiveLatency,
            },
            ["client_ip"] = ClientIp,
            ["started_at"] = StartedAt,
            ["source"] = Source,

            // Kong's workspace_name; this gateway has only the workspace Kong calls "default".
            ["workspace_name"] = "default",
        };
        if (Tries.Count > 0)
        {
            record["tries"] = new JsonArray([.. Tries.Select(SerializeTry)]);
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
            SetValue(record, key, value?.DeepClone());
        }

        return record;
    }

    /// <summary>Kong's serialized try: milliseconds and nanoseconds, the peer, and the failure when there was one.</summary>
    internal static JsonNode SerializeTry(BalancerTry attempt)
    {
        var json = new JsonObject
        {
            ["balancer_start"] = attempt.StartedAtUnixNano / 1_000_000,
            ["balancer_start_ns"] = attempt.StartedAtUnixNano,
            ["balancer_latency"] = attempt.LatencyNano / 1_000_000,
            ["balancer_latency_ns"] = attempt.LatencyNano,
            ["ip"] = attempt.Ip,
            ["port"] = attempt.Port,
        };
        if (attempt.State is not null)
        {
            json["state"] = attempt.State;
            json["code"] = attempt.Code;
        }

        return json;
    }

    /// <summary>
    /// Kong's <c>kong.log.set_serialize_value</c> in "set" mode: a dotted key names a nested field, and
    /// missing objects on the way are created; a key whose path runs into a non-object is skipped
    /// (Kong raises an error there).
    /// </summary>
    private static void SetValue(JsonObject root, string key, JsonNode? value)
    {
        var node = root;
        var start = 0;
        for (var i = 1; i < key.Length; i++)
        {
            if (key[i] != '.')
            {
                continue;
            }

            var name = key[start..i];
            start = i + 1;
            if (!node.TryGetPropertyValue(name, out var child) || child is null)
            {
                child = new JsonObject();
                node[name] = child;
            }

            if (child is not JsonObject next)
            {
                return;
            }

            node = next;
        }

        node[key[start..]] = value;
    }

    /// <summary>
    /// Headers as Kong's <c>ngx.req.get_headers</c> gives them: a string, or an array of strings for a
    /// repeated header. Request credentials are written as "REDACTED", as Kong's serializer does.
    /// </summary>
    private static JsonObject Headers(IReadOnlyDictionary<string, StringValues> headers, bool redact)
    {
        var json = new JsonObject();
        foreach (var (name, values) in headers)
        {
            if (redact && (name is "authorization" or "proxy-authorization"))
            {
                json[name] = "REDACTED";
            }
            else if (values.Count > 1)
            {
                json[name] = new JsonArray([.. values.Select(v => (JsonNode?)v)]);
            }
            else
            {
                json[name] = values.ToString();
            }
        }

        return json;
    }
}
