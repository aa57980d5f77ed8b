namespace Gateway.Node.Upstreams;

/// <summary>
/// What the node knows about one target of one upstream beyond a single config version: health and
/// its counters, requests in flight, the latency average. It outlives snapshot swaps (each snapshot's
/// <see cref="BalancerTable"/> takes it from the previous one for the same upstream id and target address), so
/// a config change does not forget that a target is down, and requests that started on an older
/// balancer still end on the right counters.
/// </summary>
public sealed class TargetState
{
    /// <summary>EWMA decay, in seconds (Kong's latency.lua DECAY_TIME).</summary>
    private const double DecaySeconds = 10;

    private readonly Lock _lock = new();
    private volatile bool _healthy = true;
    private int _successes;
    private int _httpFailures;
    private int _tcpFailures;
    private int _timeouts;
    private int _active;
    private double _ewma;
    private long _ewmaTouched;
    private bool _ewmaSet;

    /// <summary>Whether the target is up, as the health checks last decided (true until they say otherwise).</summary>
    public bool Healthy => _healthy;

    /// <summary>Requests picked for this target and not yet completed.</summary>
    public int ActiveRequests => Volatile.Read(ref _active);

    internal void Begin() => Interlocked.Increment(ref _active);

    internal void End() => Interlocked.Decrement(ref _active);

    /// <summary>
    /// Feeds one observation to the counters, as lua-resty-healthcheck does: a success clears the
    /// failure counters and a failure clears the success counter; a counter reaching its threshold
    /// flips the health; a threshold of 0 ignores that kind of observation. Returns whether health changed.
    /// </summary>
    public bool Report(OutcomeKind kind, int status, HealthThresholds thresholds)
    {
        int limit;
        bool success;
        switch (kind)
        {
            case OutcomeKind.Connected:
            case OutcomeKind.Response when thresholds.HealthyStatuses.Contains(status):
                (success, limit) = (true, thresholds.Successes);
                break;
            case OutcomeKind.Response when thresholds.UnhealthyStatuses.Contains(status):
                (success, limit) = (false, thresholds.HttpFailures);
                break;
            case OutcomeKind.TcpFailure:
                (success, limit) = (false, thresholds.TcpFailures);
                break;
            case OutcomeKind.Timeout:
                (success, limit) = (false, thresholds.Timeouts);
                break;
            default:
                return false;
        }

        if (limit == 0)
        {
            return false;
        }

        lock (_lock)
        {
            if (success)
            {
                if (_healthy && _httpFailures == 0 && _tcpFailures == 0 && _timeouts == 0)
                {
                    return false;
                }

                _httpFailures = _tcpFailures = _timeouts = 0;
                if (++_successes < limit || _healthy)
                {
                    return false;
                }

                _successes = 0;
                _healthy = true;
                return true;
            }

            if (!_healthy && _successes == 0)
            {
                return false;
            }

            _successes = 0;
            var count = kind switch
            {
                OutcomeKind.TcpFailure => ++_tcpFailures,
                OutcomeKind.Timeout => ++_timeouts,
                _ => ++_httpFailures,
            };
            if (count < limit || !_healthy)
            {
                return false;
            }

            _httpFailures = _tcpFailures = _timeouts = 0;
            _healthy = false;
            return true;
        }
    }

    /// <summary>Sets the health outright and clears the counters (Kong's POST .../healthy and .../unhealthy).</summary>
    public void SetHealthy(bool healthy)
    {
        lock (_lock)
        {
            _successes = _httpFailures = _tcpFailures = _timeouts = 0;
            _healthy = healthy;
        }
    }

    /// <summary>The latency average decayed to <paramref name="now"/> without a new sample (the score latency.lua compares).</summary>
    internal double Score(long now, long frequency)
    {
        lock (_lock)
        {
            return Decay(_ewma, _ewmaTouched, 0, now, frequency);
        }
    }

    /// <summary>Adds a latency sample, in seconds.</summary>
    internal void Observe(double seconds, long now, long frequency)
    {
        lock (_lock)
        {
            _ewma = _ewmaSet ? Decay(_ewma, _ewmaTouched, seconds, now, frequency) : seconds;
            _ewmaTouched = now;
            _ewmaSet = true;
        }
    }

    /// <summary>Whether a latency sample exists; the current average when it does.</summary>
    internal bool TryGetEwma(out double ewma)
    {
        lock (_lock)
        {
            ewma = _ewma;
            return _ewmaSet;
        }
    }

    /// <summary>Starts a new target at the others' average, so it is not flooded (latency.lua's slow start).</summary>
    internal void SeedEwma(double ewma, long now)
    {
        lock (_lock)
        {
            if (!_ewmaSet)
            {
                (_ewma, _ewmaTouched, _ewmaSet) = (ewma, now, true);
            }
        }
    }

    private static double Decay(double ewma, long touched, double sample, long now, long frequency)
    {
        var elapsed = Math.Max(0, (double)(now - touched) / frequency);
        var weight = Math.Exp(-elapsed / DecaySeconds);
        return (ewma * weight) + (sample * (1 - weight));
    }
}
