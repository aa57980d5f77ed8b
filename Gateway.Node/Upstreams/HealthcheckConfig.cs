using System.Text.Json.Nodes;

namespace Gateway.Node.Upstreams;

/// <summary>An upstream's <c>healthchecks</c> record, parsed once per snapshot.</summary>
/// <param name="Active">Probes sent by the gateway.</param>
/// <param name="Passive">The circuit breaker fed by proxied responses.</param>
/// <param name="Threshold">The percentage of weight that must be available for the upstream to be healthy.</param>
/// <param name="Source">The record as configured, to tell whether a new snapshot changed it.</param>
public sealed record HealthcheckConfig(ActiveHealthcheck Active, HealthThresholds Passive, double Threshold, string Source)
{
    /// <summary>
    /// Kong's <c>is_upstream_using_healthcheck</c>: an active interval or a passive failure counter is
    /// set. Otherwise targets are never marked down and the health endpoint says HEALTHCHECKS_OFF.
    /// </summary>
    public bool Enabled => Active.Enabled || Passive.CanFail;

    /// <summary>Reads the record with Kong 3.9's defaults for everything missing.</summary>
    public static HealthcheckConfig Parse(JsonObject? healthchecks) => new(
        ActiveHealthcheck.Parse(healthchecks?["active"] as JsonObject),
        HealthThresholds.Parse(
            healthchecks?["passive"] as JsonObject,
            [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
            [429, 500, 503]),
        Json.Number(healthchecks, "threshold", 0),
        healthchecks?.ToJsonString() ?? "");
}
