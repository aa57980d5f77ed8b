namespace Gateway.Cluster.RateLimiting;

/// <summary>
/// A node that holds leased units (an observer each node registers with the counters it leases from): a counter
/// grain whose window has nothing left to lease draws back what the other nodes hold unused before it refuses.
/// </summary>
public interface IRateLimitLeaseHolder : IGrainObserver
{
    /// <summary>Gives up every unit this node holds unused for the counter <paramref name="grainKey"/>; returns how many.</summary>
    Task<long> ReturnIdleAsync(string grainKey);
}
