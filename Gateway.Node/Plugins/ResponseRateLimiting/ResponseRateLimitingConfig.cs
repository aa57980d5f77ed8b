using Gateway.Node.Plugins.RateLimiting;

namespace Gateway.Node.Plugins.ResponseRateLimiting;

/// <summary>The response-ratelimiting config (see <see cref="ResponseRateLimitingSchema"/>), with its limits precompiled.</summary>
public sealed record ResponseRateLimitingConfig
{
    /// <summary>The upstream response header reporting usage ("name=count, ...").</summary>
    public string HeaderName { get; init; } = "x-kong-limit";

    /// <summary>consumer, credential or ip.</summary>
    public string LimitBy { get; init; } = "consumer";

    /// <summary>local, cluster or redis.</summary>
    public string Policy { get; init; } = "local";

    /// <summary>Whether to proxy when the counters' store fails.</summary>
    public bool FaultTolerant { get; init; } = true;

    /// <summary>Redis settings for the redis policy.</summary>
    public RedisSettings? Redis { get; init; }

    /// <summary>Whether to refuse in access as soon as a limit is used up.</summary>
    public bool BlockOnFirstViolation { get; init; }

    /// <summary>Whether to leave out the rate-limit headers.</summary>
    public bool HideClientHeaders { get; init; }

    /// <summary>The limits as written: name to period to limit.</summary>
    public Dictionary<string, Dictionary<string, double?>> Limits { get; init; } = [];

    /// <summary>The limits compiled: per name, its windows, shortest first.</summary>
    public IReadOnlyList<(string Name, WindowLimit[] Windows)> Compiled { get; init; } = [];

    /// <summary>The counter key prefix: the plugin row's route and service ids.</summary>
    public string Scope { get; init; } = "";
}
