using System.Text.Json.Nodes;
using Gateway.Cluster.Consumers;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Pipeline;

/// <summary>The SDK's consumer look-ups answered by the node's <see cref="ConsumerLookup"/> (LRU cache over consumer grains).</summary>
public sealed class ClusterConsumerStore(Func<ConsumerLookup> lookup) : IConsumerStore
{
    /// <inheritdoc />
    public Task<JsonObject?> FindAsync(string entity, string field, string value) => lookup().FindAsync(entity, field, value);
}
