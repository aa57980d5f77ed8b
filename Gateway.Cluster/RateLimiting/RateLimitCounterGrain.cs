using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Gateway.Cluster.RateLimiting;

/// <summary>
/// Leases one window's units to the nodes. The total leased goes to Redis (<see cref="RateLimitLeaseStore"/>)
/// before each answer and is read back when the grain activates, so a silo lost mid-window does not restart the
/// window's count: the silo that takes the grain over goes on from what was leased. Placed on its first caller's
/// silo (most keys are used mostly through one node). Units other nodes hold unused are drawn back when the
/// window runs dry, so a node is refused only when every unit was taken by a request.
/// </summary>
[PreferLocalPlacement]
public sealed partial class RateLimitCounterGrain(RateLimitLeaseStore store, ILogger<RateLimitCounterGrain> logger) : Grain, IRateLimitCounterGrain
{
    /// <summary>The share of what is left one lease may take: near the limit batches shrink to single units.</summary>
    private const long ShareDivisor = 8;

    /// <summary>How long a holder has to give its idle units back; one that does not answer keeps them (and is forgotten).</summary>
    private static readonly TimeSpan ReturnTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The nodes that leased from this activation (a new activation learns them again from their next lease).</summary>
    private readonly HashSet<IRateLimitLeaseHolder> _holders = [];
    private long _leased;
    private long _count;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _leased = await store.ReadAsync(this.GetPrimaryKeyString()) ?? 0;

    /// <inheritdoc/>
    public async Task<RateLimitLease> LeaseAsync(RateLimitLeaseRequest request)
    {
        _holders.Add(request.Holder);
        if (request.Needed <= 0)
        {
            return new RateLimitLease(0, _leased);
        }

        if (request.Limit - _leased < request.Needed)
        {
            await DrawBackAsync(request);
        }

        var free = request.Limit - _leased;
        if (free < request.Needed)
        {
            return new RateLimitLease(0, _leased);
        }

        var granted = Math.Min(free, Math.Max(request.Needed, Math.Min(request.Wanted, free / ShareDivisor)));
        await SaveAsync(granted, request.EndsAtMs);
        return new RateLimitLease(granted, _leased);
    }

    /// <inheritdoc/>
    public Task<long> LeasedAsync() => Task.FromResult(_leased);

    /// <inheritdoc/>
    public Task<long> AddAsync(long units) => Task.FromResult(_count += units);

    /// <inheritdoc/>
    public Task<long> CountAsync() => Task.FromResult(_count);

    /// <summary>Takes back what every other node holds unused (the caller has less than it needs, or it would not ask).</summary>
    private async Task DrawBackAsync(RateLimitLeaseRequest request)
    {
        var key = this.GetPrimaryKeyString();
        var others = _holders.Where(holder => !holder.Equals(request.Holder)).ToArray();
        var returned = (await Task.WhenAll(others.Select(holder => ReturnIdleAsync(holder, key)))).Sum();
        if (returned > 0)
        {
            await SaveAsync(-returned, request.EndsAtMs);
        }
    }

    private async Task<long> ReturnIdleAsync(IRateLimitLeaseHolder holder, string key)
    {
        try
        {
            return await holder.ReturnIdleAsync(key).WaitAsync(ReturnTimeout);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A node that is gone keeps what it held; forgetting it spares the next dry window the wait.
            _holders.Remove(holder);
            LogHolderLost(logger, e, key);
            return 0;
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the leased total, in Redis first when it answers (it may know of a grant this activation missed).</summary>
    private async Task SaveAsync(long delta, long endsAtMs)
    {
        _leased += delta;
        if (await store.AddAsync(this.GetPrimaryKeyString(), delta, endsAtMs) is { } saved)
        {
            _leased = Math.Max(_leased, saved);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "rate-limiting: a node holding units of {Key} did not give them back; it keeps them")]
    private static partial void LogHolderLost(ILogger logger, Exception exception, string key);
}
