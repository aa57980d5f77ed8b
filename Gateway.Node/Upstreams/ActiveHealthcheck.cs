using System.Text.Json.Nodes;

namespace Gateway.Node.Upstreams;

/// <summary>
/// <c>healthchecks.active</c>: probes the gateway sends on its own to every target with a positive
/// weight, healthy ones every <see cref="HealthyInterval"/> and unhealthy ones every
/// <see cref="UnhealthyInterval"/> (zero turns that half off).
/// </summary>
/// <param name="Type">tcp, http, https, grpc or grpcs (grpc and grpcs are probed as tcp connects).</param>
/// <param name="Timeout">How long a probe may take.</param>
/// <param name="Concurrency">Targets probed at the same time.</param>
/// <param name="HttpPath">The path of http and https probes.</param>
/// <param name="HttpsSni">The SNI of https probes; the target's host when null.</param>
/// <param name="HttpsVerifyCertificate">Whether https probes check the target's certificate.</param>
/// <param name="Headers">Extra request headers of http and https probes.</param>
/// <param name="HealthyInterval">Interval between probes of healthy targets; zero for none.</param>
/// <param name="UnhealthyInterval">Interval between probes of unhealthy targets; zero for none.</param>
/// <param name="Thresholds">The counters probes feed.</param>
public sealed record ActiveHealthcheck(
    string Type,
    TimeSpan Timeout,
    int Concurrency,
    string HttpPath,
    string? HttpsSni,
    bool HttpsVerifyCertificate,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    TimeSpan HealthyInterval,
    TimeSpan UnhealthyInterval,
    HealthThresholds Thresholds)
{
    /// <summary>Whether probes run at all.</summary>
    public bool Enabled => HealthyInterval > TimeSpan.Zero || UnhealthyInterval > TimeSpan.Zero;

    /// <summary>Reads <c>healthchecks.active</c> with Kong 3.9's defaults.</summary>
    internal static ActiveHealthcheck Parse(JsonObject? active)
    {
        var healthy = active?["healthy"] as JsonObject;
        var unhealthy = active?["unhealthy"] as JsonObject;
        return new ActiveHealthcheck(
            Json.String(active, "type") ?? "http",
            TimeSpan.FromSeconds(Json.Number(active, "timeout", 1)),
            Math.Max(1, Json.Int(active, "concurrency", 10)),
            Json.String(active, "http_path") ?? "/",
            Json.String(active, "https_sni"),
            Json.Bool(active, "https_verify_certificate", true),
            Json.Headers(active, "headers"),
            TimeSpan.FromSeconds(Json.Number(healthy, "interval", 0)),
            TimeSpan.FromSeconds(Json.Number(unhealthy, "interval", 0)),
            HealthThresholds.Parse(active, [200, 302], [429, 404, 500, 501, 502, 503, 504, 505]));
    }
}
