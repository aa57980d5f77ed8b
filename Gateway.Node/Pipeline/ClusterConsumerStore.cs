using System.Text.Json.Nodes;
using Gateway.Cluster.Consumers;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Pipeline;

/// <summary>The SDK's consumer look-ups answered by the node's <see cref="ConsumerLookup"/> (LRU cache over consumer grains).</summary>
/// <remarks>The lookup comes from the control host's services, resolved on first use and kept: auth plugins look up on every request.</remarks>
public sealed class ClusterConsumerStore(Func<ConsumerLookup> resolve) : IConsumerStore
{
    private ConsumerLookup? _lookup;

    /// <inheritdoc />
    public Task<JsonObject?> FindAsync(string entity, string field, string value) => Lookup.FindAsync(entity, field, value);

    /// <inheritdoc />
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string entity, string foreignField, string id)
    {
        // The grain answers a list key ("@consumer") with {"data":[...]}; the cache keeps it like any row.
        var rows = await Lookup.FindAsync(entity, "@" + foreignField, id);
        return rows?["data"] is JsonArray data ? [.. data.OfType<JsonObject>()] : [];
    }

    /// <summary>Forgets the lookup, so the next call resolves it again: the node replaced its control host (a new silo).</summary>
    public void Reset() => _lookup = null;

    private ConsumerLookup Lookup => _lookup ??= resolve();
}
