using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Gateway.Node.Upstreams;

/// <summary>
/// The counters that move a target between healthy and unhealthy, shared by active and passive checks
/// (<c>healthchecks.active.{healthy,unhealthy}</c> and <c>healthchecks.passive.{healthy,unhealthy}</c>).
/// A threshold of 0 turns that counter off, as in lua-resty-healthcheck.
/// </summary>
/// <param name="HealthyStatuses">Statuses that count as a success.</param>
/// <param name="Successes">Successes in a row that make an unhealthy target healthy.</param>
/// <param name="UnhealthyStatuses">Statuses that count as an HTTP failure.</param>
/// <param name="HttpFailures">HTTP failures in a row that make a healthy target unhealthy.</param>
/// <param name="TcpFailures">Connection failures in a row that make a healthy target unhealthy.</param>
/// <param name="Timeouts">Timeouts in a row that make a healthy target unhealthy.</param>
public sealed record HealthThresholds(
    FrozenSet<int> HealthyStatuses, int Successes, FrozenSet<int> UnhealthyStatuses, int HttpFailures, int TcpFailures, int Timeouts)
{
    /// <summary>Whether any failure counter is on: the circuit breaker can open.</summary>
    public bool CanFail => HttpFailures > 0 || TcpFailures > 0 || Timeouts > 0;

    /// <summary>Whether any counter is on at all.</summary>
    public bool Enabled => CanFail || Successes > 0;

    /// <summary>Reads a <c>{healthy, unhealthy}</c> pair, taking Kong's defaults for what is missing.</summary>
    internal static HealthThresholds Parse(JsonObject? section, int[] healthyDefault, int[] unhealthyDefault)
    {
        var healthy = section?["healthy"] as JsonObject;
        var unhealthy = section?["unhealthy"] as JsonObject;
        return new HealthThresholds(
            Json.Statuses(healthy, healthyDefault),
            Json.Int(healthy, "successes", 0),
            Json.Statuses(unhealthy, unhealthyDefault),
            Json.Int(unhealthy, "http_failures", 0),
            Json.Int(unhealthy, "tcp_failures", 0),
            Json.Int(unhealthy, "timeouts", 0));
    }
}
