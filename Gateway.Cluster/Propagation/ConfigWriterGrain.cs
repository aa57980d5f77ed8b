using Orleans.Placement;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// Applies the writes of one entity one at a time (a grain runs one call at a time), then pushes
/// the new version. It activates on the first caller's silo, so the common case, an operator
/// talking to one node, never leaves that node before the database.
/// </summary>
[PreferLocalPlacement]
public sealed class ConfigWriterGrain(ClusterStore cluster, IConfigPushClient push) : Grain, IConfigWriterGrain
{
    /// <inheritdoc/>
    public Task<ConfigWriteOutcome> WriteAsync(ConfigWriteRequest request) => ConfigWriteApplier.WriteAsync(cluster.Store, push, request);
}
