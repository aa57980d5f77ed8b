namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>The rate-limiting config (see <see cref="RateLimitingSchema"/>), with its windows and counter scope precomputed.</summary>
public sealed record RateLimitingConfig
{
    /// <summary>Per-second limit.</summary>
    public double? Second { get; init; }

    /// <summary>Per-minute limit.</summary>
    public double? Minute { get; init; }

    /// <summary>Per-hour limit.</summary>
    public double? Hour { get; init; }

    /// <summary>Per-day limit.</summary>
    public double? Day { get; init; }

    /// <summary>Per-month limit.</summary>
    public double? Month { get; init; }

    /// <summary>Per-year limit.</summary>
    public double? Year { get; init; }

    /// <summary>consumer, credential, ip, service, header or path.</summary>
    public string LimitBy { get; init; } = "consumer";

    /// <summary>The header whose value is the key when limit_by is header.</summary>
    public string? HeaderName { get; init; }

    /// <summary>The path counted when limit_by is path.</summary>
    public string? Path { get; init; }

    /// <summary>local, cluster or redis.</summary>
    public string Policy { get; init; } = "local";

    /// <summary>Whether to proxy when the counters' store fails.</summary>
    public bool FaultTolerant { get; init; } = true;

    /// <summary>Redis settings for the redis policy.</summary>
    public RedisSettings? Redis { get; init; }

    /// <summary>Whether to leave out the rate-limit headers.</summary>
    public bool HideClientHeaders { get; init; }

    /// <summary>The status when the limit is exceeded.</summary>
    public double ErrorCode { get; init; } = 429;

    /// <summary>The message when the limit is exceeded.</summary>
    public string ErrorMessage { get; init; } = "API rate limit exceeded";

    /// <summary>The configured windows, shortest first.</summary>
    public WindowLimit[] Windows { get; init; } = [];

    /// <summary>Kong's counter key prefix: the plugin row's route and service ids (a null UUID where unscoped).</summary>
    public string Scope { get; init; } = "";
}
