using System.Text.Json.Nodes;

namespace Gateway.Node.Upstreams;

/// <summary>An <c>upstreams</c> row as the balancer needs it, with Kong 3.9's defaults for missing fields.</summary>
/// <param name="Id">The upstream's id.</param>
/// <param name="Name">The virtual host name services point at.</param>
/// <param name="Algorithm">round-robin, consistent-hashing, least-connections or latency.</param>
/// <param name="HashOn">The primary hash input (consistent-hashing).</param>
/// <param name="HashFallback">The hash input used when the primary one gives nothing.</param>
/// <param name="HashOnHeader">The header hashed when <paramref name="HashOn"/> is header.</param>
/// <param name="HashFallbackHeader">The header hashed when <paramref name="HashFallback"/> is header.</param>
/// <param name="HashOnCookie">The cookie hashed (and set when absent) when hash_on is cookie.</param>
/// <param name="HashOnCookiePath">The Path of the cookie the gateway sets.</param>
/// <param name="HashOnQueryArg">The query argument hashed when hash_on is query_arg.</param>
/// <param name="HashFallbackQueryArg">The query argument hashed when hash_fallback is query_arg.</param>
/// <param name="HashOnUriCapture">The route capture hashed when hash_on is uri_capture.</param>
/// <param name="HashFallbackUriCapture">The route capture hashed when hash_fallback is uri_capture.</param>
/// <param name="Slots">The size of the consistent-hashing ring.</param>
/// <param name="HostHeader">The Host header to send upstream instead of the target's host, when set.</param>
/// <param name="Healthchecks">The health check settings.</param>
public sealed record UpstreamConfig(
    string Id,
    string Name,
    string Algorithm,
    string HashOn,
    string HashFallback,
    string? HashOnHeader,
    string? HashFallbackHeader,
    string? HashOnCookie,
    string HashOnCookiePath,
    string? HashOnQueryArg,
    string? HashFallbackQueryArg,
    string? HashOnUriCapture,
    string? HashFallbackUriCapture,
    int Slots,
    string? HostHeader,
    HealthcheckConfig Healthchecks)
{
    /// <summary>Reads an upstream row.</summary>
    public static UpstreamConfig Parse(JsonObject row) => new(
        Json.String(row, "id") ?? throw new ArgumentException("an upstream row has no id", nameof(row)),
        Json.String(row, "name") ?? throw new ArgumentException("an upstream row has no name", nameof(row)),
        Json.String(row, "algorithm") ?? "round-robin",
        Json.String(row, "hash_on") ?? "none",
        Json.String(row, "hash_fallback") ?? "none",
        Json.String(row, "hash_on_header"),
        Json.String(row, "hash_fallback_header"),
        Json.String(row, "hash_on_cookie"),
        Json.String(row, "hash_on_cookie_path") ?? "/",
        Json.String(row, "hash_on_query_arg"),
        Json.String(row, "hash_fallback_query_arg"),
        Json.String(row, "hash_on_uri_capture"),
        Json.String(row, "hash_fallback_uri_capture"),
        Json.Int(row, "slots", 10000),
        Json.String(row, "host_header"),
        HealthcheckConfig.Parse(row["healthchecks"] as JsonObject));
}
