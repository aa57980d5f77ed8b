using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Cluster.Propagation;

/// <summary>The node's own store and schemas, as the writer grains on this silo use them.</summary>
/// <param name="Store">The database store (not the Admin API's wrapper around it).</param>
/// <param name="Registry">The schemas, to rebuild refusals.</param>
public sealed record ClusterStore(IConfigStore Store, SchemaRegistry Registry);
