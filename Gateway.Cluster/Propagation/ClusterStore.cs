using Gateway.Storage.Store;

namespace Gateway.Cluster.Propagation;

/// <summary>The node's own store, as the grains on this silo use it.</summary>
/// <param name="Store">The database store (not the Admin API's reader in front of it).</param>
public sealed record ClusterStore(IConfigStore Store);
