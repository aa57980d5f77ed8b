using Orleans.Runtime;
using Orleans.Runtime.Services;

namespace Gateway.Cluster.Propagation;

/// <summary>Sends a version push to the <see cref="IConfigPushService"/> of every active silo.</summary>
public sealed class ConfigPushClient(IServiceProvider services, IClusterMembershipService membership)
    : GrainServiceClient<IConfigPushService>(services), IConfigPushClient
{
    /// <inheritdoc/>
    public Task NotifyAllAsync(long version, long committedAtMs)
    {
        // The local membership view: no remote call to learn who is there. One-way calls: the writer
        // does not wait for any node to reload.
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active)
            {
                _ = GetGrainService(member.SiloAddress).NotifyAsync(version, committedAtMs);
            }
        }

        return Task.CompletedTask;
    }
}
