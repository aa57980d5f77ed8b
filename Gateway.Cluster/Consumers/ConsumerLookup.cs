using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Cluster.Consumers;

/// <summary>
/// How a node finds consumers and credentials (which are not in its config snapshot): a bounded,
/// node-local LRU cache in front of the consumer grains. The config push invalidates it: every
/// change-log row of a cached entity drops that entity's entries with the changed id, and every
/// "not found" entry of that entity (the change may have created the missing row).
/// </summary>
public sealed class ConsumerLookup(IGrainFactory grains, int capacity = 10_000)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new();
    private long _version;

    /// <summary>How many lookups the cache holds now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The row whose <paramref name="field"/> is <paramref name="value"/> (field "id" for the primary key), or null.</summary>
    /// <remarks>Rows are shared between callers: never modify them.</remarks>
    public async Task<JsonObject?> FindAsync(string entity, string field, string value)
    {
        var key = ConsumerKey.Format(entity, field, value);
        long version;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var hit))
            {
                _recent.Remove(hit);
                _recent.AddFirst(hit);
                return hit.Value.Row;
            }

            version = _version;
        }

        var json = await grains.GetGrain<IConsumerGrain>(key).GetAsync(version);
        var row = json is null ? null : JsonNode.Parse(json)!.AsObject();
        lock (_lock)
        {
            // An invalidation that arrived during the call wins: do not cache what may be older.
            if (_version == version && !_entries.ContainsKey(key))
            {
                _entries[key] = _recent.AddFirst(new Entry(key, entity, row?["id"]?.GetValue<string>(), row));
                if (_entries.Count > capacity)
                {
                    var oldest = _recent.Last!;
                    _recent.RemoveLast();
                    _entries.Remove(oldest.Value.Key);
                }
            }
        }

        return row;
    }

    /// <summary>
    /// Drops what the config's move to <paramref name="version"/> may have made stale: the rows named by
    /// <paramref name="changes"/>, or everything when null (a store without a change log replaced it all).
    /// The node's refresher calls it with every change it applies.
    /// </summary>
    public void Invalidate(long version, IReadOnlyList<ConfigChange>? changes)
    {
        lock (_lock)
        {
            _version = Math.Max(_version, version);
            if (changes is null)
            {
                _entries.Clear();
                _recent.Clear();
                return;
            }

            var changed = changes.Select(c => (c.Entity, c.Id)).ToHashSet();
            var entities = changes.Select(c => c.Entity).ToHashSet(StringComparer.Ordinal);
            for (var node = _recent.First; node is not null;)
            {
                var next = node.Next;
                var entry = node.Value;
                if (entities.Contains(entry.Entity) && (entry.Id is null || changed.Contains((entry.Entity, entry.Id))))
                {
                    _recent.Remove(node);
                    _entries.Remove(entry.Key);
                }

                node = next;
            }
        }
    }

    private sealed record Entry(string Key, string Entity, string? Id, JsonObject? Row);
}
