using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// The GrainService every silo runs: receives version pushes from writer grains and hands them to
/// the node's <see cref="IConfigChangeListener"/>.
/// </summary>
[Reentrant]
public sealed class ConfigPushService(GrainId grainId, Silo silo, ILoggerFactory loggerFactory, IConfigChangeListener listener)
    : GrainService(grainId, silo, loggerFactory), IConfigPushService
{
    /// <inheritdoc/>
    public Task NotifyAsync(long version, long committedAtMs)
    {
        listener.OnVersion(version, committedAtMs);
        return Task.CompletedTask;
    }
}
