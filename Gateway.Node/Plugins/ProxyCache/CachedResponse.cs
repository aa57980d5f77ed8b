using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// A stored response, as Kong's proxy-cache stores one (<c>res</c> in handler.lua): status, headers, body,
/// when it was stored (Unix seconds), its freshness TTL and the request's body.
/// </summary>
/// <param name="Status">The status code.</param>
/// <param name="Headers">The response headers as they went out, without hop-by-hop ones, Content-Length and the gateway's per-request ones.</param>
/// <param name="Body">The body as it went out.</param>
/// <param name="Timestamp">When it was stored, in Unix seconds (Kong's <c>ngx.time()</c>).</param>
/// <param name="Ttl">How long it stays fresh, in seconds: <c>cache_ttl</c>, or the response's own with <c>cache_control</c>.</param>
/// <param name="RequestBody">The request's body (Kong's <c>req_body</c>, for logging plugins); null when it was too large to read.</param>
public sealed record CachedResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, long Timestamp, long Ttl, string? RequestBody)
{
    /// <summary>Kong's CACHE_VERSION.</summary>
    public const int Version = 1;

    /// <summary>The bytes it takes in a dictionary: body, strings (two bytes a character) and a fixed overhead.</summary>
    public long Size(string key) =>
        256 + Body.Length + (2L * (key.Length + (RequestBody?.Length ?? 0) + Headers.Sum(h => h.Key.Length + h.Value.Length + 16)));

    /// <summary>The stored value as Kong's Admin API shows it (<c>GET /proxy-cache/{key}</c>).</summary>
    public JsonObject ToJson()
    {
        var headers = new JsonObject();
        foreach (var group in Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            var values = group.Select(h => h.Value).ToArray();
            headers[group.Key] = values.Length == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode?)v)]);
        }

        var json = new JsonObject
        {
            ["status"] = Status,
            ["headers"] = headers,
            ["body"] = Encoding.UTF8.GetString(Body),
            ["body_len"] = Body.Length,
            ["timestamp"] = Timestamp,
            ["ttl"] = Ttl,
            ["version"] = Version,
        };
        if (RequestBody is not null)
        {
            json["req_body"] = RequestBody;
        }

        return json;
    }
}
