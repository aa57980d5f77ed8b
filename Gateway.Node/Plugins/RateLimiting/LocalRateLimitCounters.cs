using System.Collections.Concurrent;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// The <c>local</c> policy: counters in this node's memory, one per key and window, updated with
/// interlocked adds (no lock). Each node counts on its own, so N nodes admit up to N times the limit,
/// as Kong's local policy does. Counters of ended windows are swept at most every few seconds.
/// </summary>
public sealed class LocalRateLimitCounters : IRateLimitCounters
{
    private const long SweepEveryMs = 5000;

    private readonly ConcurrentDictionary<CounterKey, Counter> _counters = new();
    private long _nextSweep;

    /// <inheritdoc />
    public ValueTask<RateLimitDecision> ConsumeAsync(string key, WindowLimit[] windows, long nowMs, long cost) =>
        ValueTask.FromResult(Consume(key, windows, nowMs, cost));

    /// <summary>The synchronous form of <see cref="ConsumeAsync"/>.</summary>
    public RateLimitDecision Consume(string key, WindowLimit[] windows, long nowMs, long cost)
    {
        SweepIfDue(nowMs);
        var used = new long[windows.Length];
        var counters = new Counter[windows.Length];
        for (var i = 0; i < windows.Length; i++)
        {
            var counter = counters[i] = Get(key, windows[i].Period, nowMs);
            var after = Interlocked.Add(ref counter.Value, cost);
            if (after > windows[i].Limit)
            {
                // Give back what this request took so far: a refused request counts nowhere.
                for (var j = 0; j <= i; j++)
                {
                    Interlocked.Add(ref counters[j].Value, -cost);
                }

                used[i] = after - cost;
                for (var j = 0; j < windows.Length; j++)
                {
                    if (j != i)
                    {
                        used[j] = Volatile.Read(ref Get(key, windows[j].Period, nowMs).Value);
                    }
                }

                return new RateLimitDecision(false, used, i);
            }

            used[i] = after;
        }

        return new RateLimitDecision(true, used, -1);
    }

    /// <summary>The current count of one window (response-ratelimiting reads before it adds).</summary>
    public long Usage(string key, int period, long nowMs) => Volatile.Read(ref Get(key, period, nowMs).Value);

    /// <summary>Adds to one window unconditionally (response-ratelimiting counts after the response).</summary>
    public void Add(string key, int period, long nowMs, long cost) => Interlocked.Add(ref Get(key, period, nowMs).Value, cost);

    private Counter Get(string key, int period, long nowMs) =>
        _counters.GetOrAdd(new CounterKey(key, period, RateLimitPeriods.WindowStart(period, nowMs)), static _ => new Counter());

    private void SweepIfDue(long nowMs)
    {
        var due = Volatile.Read(ref _nextSweep);
        if (nowMs < due || Interlocked.CompareExchange(ref _nextSweep, nowMs + SweepEveryMs, due) != due)
        {
            return;
        }

        foreach (var (key, _) in _counters)
        {
            if (key.WindowStart + (RateLimitPeriods.Seconds[key.Period] * 1000) < nowMs - 1000)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    private readonly record struct CounterKey(string Key, int Period, long WindowStart);

    private sealed class Counter
    {
        public long Value;
    }
}
