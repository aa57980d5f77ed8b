using Gateway.Storage.Store;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// Applies config writes to the store and pushes each committed version to every silo. It orders nothing, so it is
/// reentrant: writes are serialised by the store's own lock (SQLite's single writer, PostgreSQL's advisory lock,
/// Cassandra's lease), the only point every writer passes: every node, the local fallback of
/// <see cref="ClusterConfigWriter"/>, <c>config db_import</c>, another cluster on the same database. Queuing them here
/// as well would only add a wait. It activates on the first caller's silo, so the common case, an operator talking to
/// one node, never leaves that node before the database.
/// </summary>
[Reentrant, PreferLocalPlacement]
public sealed class ConfigWriterGrain(ClusterStore cluster, IConfigPushClient push) : Grain, IConfigWriterGrain
{
    /// <inheritdoc/>
    public async Task<Immutable<StoreWriteResult>> WriteAsync(ConfigWriteRequest request) =>
        new(await ConfigWriteApplier.WriteAsync(cluster.Store, push, request));
}
