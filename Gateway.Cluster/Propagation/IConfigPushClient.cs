using Orleans.Services;

namespace Gateway.Cluster.Propagation;

/// <summary>Broadcasts config versions to every silo's <see cref="IConfigPushService"/>.</summary>
public interface IConfigPushClient : IGrainServiceClient<IConfigPushService>
{
    /// <summary>
    /// Pushes <paramref name="version"/>, committed at <paramref name="committedAtMs"/> (Unix milliseconds), to every
    /// active silo, this one included; does not wait for them.
    /// </summary>
    Task NotifyAllAsync(long version, long committedAtMs);
}
