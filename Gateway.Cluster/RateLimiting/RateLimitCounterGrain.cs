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

    /// <summary>How long a holder has to give its idle units back before a dry window is refused without them.</summary>
    private static readonly TimeSpan ReturnTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The nodes that leased from this activation (a new activation learns them again from their next lease), with
    /// how many of the units each gave back this activation has counted.
    /// </summary>
    private readonly Dictionary<IRateLimitLeaseHolder, long> _holders = [];
    private long _leased;
    private long _count;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _leased = await store.ReadAsync(this.GetPrimaryKeyString()) ?? 0;

    /// <inheritdoc/>
    public async Task<RateLimitLease> LeaseAsync(RateLimitLeaseRequest request)
    {
        await CountMissedReturnsAsync(request);
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

    /// <summary>
    /// Counts the units the caller gave back that this activation has not counted (their draw-back answer was lost);
    /// a caller new to this activation starts from what it says, as the activation it gave those to counted them.
    /// </summary>
    private async Task CountMissedReturnsAsync(RateLimitLeaseRequest request)
    {
        if (_holders.TryGetValue(request.Holder, out var counted) && request.Returned > counted)
        {
            await SaveAsync(counted - request.Returned, request.EndsAtMs);
        }

        _holders[request.Holder] = Math.Max(counted, request.Returned);
    }

    /// <summary>Takes back what every other node holds unused (the caller has less than it needs, or it would not ask).</summary>
    private async Task DrawBackAsync(RateLimitLeaseRequest request)
    {
        var key = this.GetPrimaryKeyString();
        var others = _holders.Keys.Where(holder => !holder.Equals(request.Holder)).ToArray();
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
            var returned = await holder.ReturnIdleAsync(key).WaitAsync(ReturnTimeout);
            _holders[holder] += returned;
            return returned;
        }
        catch (TimeoutException e)
        {
            // A slow node may still give its units up: they are counted when its next lease says so.
            LogHolderSlow(logger, e, key);
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A node that is gone keeps what it held; forgetting it spares the next dry window the call.
            _holders.Remove(holder);
            LogHolderLost(logger, e, key);
            return 0;
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the leased total and saves it.</summary>
    private async Task SaveAsync(long delta, long endsAtMs)
    {
        _leased += delta;
        await store.SaveAsync(this.GetPrimaryKeyString(), _leased, endsAtMs);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "rate-limiting: a node holding units of {Key} could not be reached; what it holds is lost")]
    private static partial void LogHolderLost(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rate-limiting: a node holding units of {Key} did not answer in time; they count once it leases again")]
    private static partial void LogHolderSlow(ILogger logger, Exception exception, string key);
}
