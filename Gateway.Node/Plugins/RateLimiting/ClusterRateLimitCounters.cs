using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Cluster.RateLimiting;
using Orleans;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// The <c>cluster</c> policy: each key's window is counted by one <see cref="IRateLimitCounterGrain"/>
/// somewhere in the cluster. This node leases batches of units from it and admits requests from its
/// batch with an interlocked decrement, so most requests make no remote call; concurrent requests that
/// find the batch empty wait for one lease call together. A node's batches start at one unit and double
/// with its demand (a node that sees one request takes one unit), up to a sixteenth of the limit. The grain
/// never leases more than the limit, so the cluster never admits more than the limit; its batches shrink
/// near the limit, and when none is left it draws back what other nodes hold unused (this node is their
/// <see cref="IRateLimitLeaseHolder"/>), so a request is refused only when the limit was reached.
/// </summary>
public sealed class ClusterRateLimitCounters : IRateLimitCounters, IRateLimitLeaseHolder
{
    private const long SweepEveryMs = 5000;

    private readonly IGrainFactory _grains;
    private readonly Lazy<IRateLimitLeaseHolder> _holder;
    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>Counters on the cluster <paramref name="grains"/> reaches.</summary>
    public ClusterRateLimitCounters(IGrainFactory grains)
    {
        _grains = grains;

        // The reference the grains call back on; Orleans holds the object weakly, this node strongly.
        _holder = new Lazy<IRateLimitLeaseHolder>(() => grains.CreateObjectReference<IRateLimitLeaseHolder>(this));
    }

    /// <inheritdoc />
    public async ValueTask<RateLimitDecision> ConsumeAsync(string key, WindowLimit[] windows, long nowMs, long cost)
    {
        SweepIfDue(nowMs);
        var used = new long[windows.Length];
        var taken = new Lease[windows.Length];
        for (var i = 0; i < windows.Length; i++)
        {
            var period = windows[i].Period;
            var start = RateLimitPeriods.WindowStart(period, nowMs);
            var grainKey = string.Create(CultureInfo.InvariantCulture, $"{key}:{start}:{RateLimitingSchema.Periods[period]}");
            var lease = _leases.GetOrAdd(grainKey, static (k, s) => new Lease(k, s), start + (RateLimitPeriods.Seconds[period] * 1000));
            if (!await lease.TakeAsync(_grains, _holder.Value, windows[i].Limit, cost))
            {
                // Units taken from the other windows' batches go back to those batches, unused.
                for (var j = 0; j < i; j++)
                {
                    taken[j].Untake(cost);
                    used[j] = taken[j].Used;
                }

                used[i] = windows[i].Limit;
                for (var j = i + 1; j < windows.Length; j++)
                {
                    used[j] = 0;
                }

                return new RateLimitDecision(false, used, i);
            }

            taken[i] = lease;
            used[i] = lease.Used;
        }

        return new RateLimitDecision(true, used, -1);
    }

    /// <inheritdoc />
    public Task<long> ReturnIdleAsync(string grainKey) =>
        Task.FromResult(_leases.TryGetValue(grainKey, out var lease) ? lease.ReturnIdle() : 0);

    private void SweepIfDue(long nowMs)
    {
        var due = Volatile.Read(ref _nextSweep);
        if (nowMs < due || Interlocked.CompareExchange(ref _nextSweep, nowMs + SweepEveryMs, due) != due)
        {
            return;
        }

        foreach (var (key, lease) in _leases)
        {
            if (lease.EndsAt < nowMs - 1000)
            {
                _leases.TryRemove(key, out _);
            }
        }
    }

    /// <summary>This node's batch for one key's window.</summary>
    private sealed class Lease(string grainKey, long endsAt)
    {
        public long Available;

        private readonly Lock _gate = new();
        private Task<bool>? _pending;
        private long _batch;
        private long _returned;
        private long _leasedTotal;
        private bool _exhausted;

        public long EndsAt { get; } = endsAt;

        /// <summary>An estimate of the window's cluster-wide count: what was leased out, less what this node still holds.</summary>
        public long Used => Math.Max(0, Volatile.Read(ref _leasedTotal) - Volatile.Read(ref Available));

        public async ValueTask<bool> TakeAsync(IGrainFactory grains, IRateLimitLeaseHolder holder, long limit, long cost)
        {
            while (true)
            {
                var available = Volatile.Read(ref Available);
                if (available >= cost)
                {
                    if (Interlocked.CompareExchange(ref Available, available - cost, available) == available)
                    {
                        return true;
                    }

                    continue;
                }

                if (Volatile.Read(ref _exhausted))
                {
                    return false;
                }

                Task<bool> pending;
                lock (_gate)
                {
                    if (_pending is null || _pending.IsCompleted)
                    {
                        _pending = RefillAsync(grains, holder, limit, cost);
                    }

                    pending = _pending;
                }

                if (!await pending)
                {
                    return false;
                }
            }
        }

        public void Untake(long cost) => Interlocked.Add(ref Available, cost);

        /// <summary>Gives up every unit held unused; the total given up goes with each lease call after.</summary>
        public long ReturnIdle()
        {
            var units = Interlocked.Exchange(ref Available, 0);
            Interlocked.Add(ref _returned, units);
            return units;
        }

        private async Task<bool> RefillAsync(IGrainFactory grains, IRateLimitLeaseHolder holder, long limit, long cost)
        {
            // Batches double from one unit up to a sixteenth of the limit: few remote calls for a busy node,
            // little quota idle on a quiet one.
            _batch = Math.Min(Math.Max(1, Math.Min(1000, limit / 16)), Math.Max(1, _batch * 2));
            var request = new RateLimitLeaseRequest(limit, cost, Math.Max(cost, _batch), EndsAt, holder, Volatile.Read(ref _returned));
            var lease = await grains.GetGrain<IRateLimitCounterGrain>(grainKey).LeaseAsync(request);
            Volatile.Write(ref _leasedTotal, lease.Leased);
            Interlocked.Add(ref Available, lease.Granted);
            if (lease.Granted == 0)
            {
                // Every unit of the window was taken by a request (the grain drew back what other nodes held
                // unused before it answered 0): refuse locally from now on instead of asking for every request.
                Volatile.Write(ref _exhausted, true);
            }

            return lease.Granted > 0;
        }
    }
}
