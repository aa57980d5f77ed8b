using Orleans.Concurrency;
using Orleans.Services;

namespace Gateway.Cluster.Propagation;

/// <summary>The per-silo receiver of "config version N exists": one instance on every silo.</summary>
public interface IConfigPushService : IGrainService
{
    /// <summary>
    /// Tells this silo's node that the store is at <paramref name="version"/> or later, committed at
    /// <paramref name="committedAtMs"/> (Unix milliseconds on the writer's clock), so the node can tell how long it took.
    /// </summary>
    [OneWay]
    Task NotifyAsync(long version, long committedAtMs);
}
