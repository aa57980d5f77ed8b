using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Cluster.Joining;
using Gateway.Cluster.Propagation;
using Gateway.Storage.Store;

namespace Gateway.Cluster.Consumers;

/// <summary>
/// How a node finds consumers and credentials (which are not in its config snapshot): a bounded,
/// node-local cache in front of the consumer grains. The config push invalidates it: every
/// change-log row of a cached entity drops that entity's entries with the changed id, and every
/// "not found" entry of that entity (the change may have created the missing row).
/// </summary>
/// <remarks>
/// Auth plugins look up on every request, so a hit takes no lock and allocates nothing: the entry keeps
/// its completed task, and its row's strings are decoded once when it is cached. Past capacity, the
/// least recently used tenth is dropped in one pass, so a stream of misses costs no scan per request.
/// The rows found can be saved (<see cref="Export"/>) and loaded back at start-up (<see cref="Import"/>), so that a
/// node restarted while its database is down still knows the consumers it had seen.
/// </remarks>
/// <param name="grains">The consumer grains.</param>
/// <param name="capacity">How many look-ups are kept.</param>
/// <param name="join">When given, a miss before this node's silo has joined fails at once rather than waiting on it.</param>
public sealed class ConsumerLookup(IGrainFactory grains, int capacity = 10_000, ClusterJoin? join = null)
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<LookupKey, Entry> _entries = new();
    private long _version;
    private long _changes;
    private long _hits;
    private long _misses;

    /// <summary>How many lookups the cache holds now.</summary>
    public int Count => _entries.Count;

    /// <summary>Look-ups the cache answered, since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Look-ups that went to the consumer grains (and from there to the store), since start.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Counts what was added or dropped: a saver compares it with the count it last saved at.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>The rows found (consumers, credentials, lists of a consumer's rows) with their keys, for saving.</summary>
    public IReadOnlyList<CachedConsumerRow> Export() =>
        [.. _entries.Where(e => e.Value.Found.Result is not null)
            .Select(e => new CachedConsumerRow(e.Key.Entity, e.Key.Field, e.Key.Value, e.Value.Found.Result!.ToJsonString()))];

    /// <summary>
    /// Adds saved rows to the cache (up to its capacity), as found at config version <paramref name="version"/>: the
    /// caller loads them only when the node starts at that version, so the change log after it invalidates them.
    /// </summary>
    public void Import(long version, IEnumerable<CachedConsumerRow> rows)
    {
        lock (_lock)
        {
            _version = Math.Max(_version, version);
            foreach (var row in rows.Take(capacity - _entries.Count))
            {
                var decoded = DecodedRow(row.Json);
                _entries.TryAdd(new LookupKey(row.Entity, row.Field, row.Value), new Entry(decoded["id"]?.GetValue<string>(), Task.FromResult<JsonObject?>(decoded)));
            }
        }
    }

    /// <summary>The row whose <paramref name="field"/> is <paramref name="value"/> (field "id" for the primary key), or null.</summary>
    /// <remarks>Rows are shared between callers: never modify them.</remarks>
    public Task<JsonObject?> FindAsync(string entity, string field, string value)
    {
        var key = new LookupKey(entity, field, value);
        if (_entries.TryGetValue(key, out var hit))
        {
            hit.LastUsed = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _hits);
            return hit.Found;
        }

        Interlocked.Increment(ref _misses);
        return LoadAsync(key);
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
            Interlocked.Increment(ref _changes);
            if (changes is null)
            {
                _entries.Clear();
                return;
            }

            var changed = changes.Select(c => (c.Entity, c.Id)).ToHashSet();
            var entities = changes.Select(c => c.Entity).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, entry) in _entries)
            {
                if (entities.Contains(key.Entity) && (entry.Id is null || changed.Contains((key.Entity, entry.Id))))
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    private async Task<JsonObject?> LoadAsync(LookupKey key)
    {
        if (join is { IsActive: false })
        {
            throw new DatabaseUnavailableException("this node has not joined the cluster yet");
        }

        var version = Volatile.Read(ref _version);
        var json = await grains.GetGrain<IConsumerGrain>(ConsumerKey.Format(key.Entity, key.Field, key.Value)).GetAsync(version);
        var row = json is null ? null : DecodedRow(json);
        lock (_lock)
        {
            // An invalidation that arrived during the call wins: do not cache what may be older.
            if (_version == version && _entries.TryAdd(key, new Entry(row?["id"]?.GetValue<string>(), Task.FromResult(row))))
            {
                Interlocked.Increment(ref _changes);
                if (_entries.Count > capacity)
                {
                    DropLeastRecentlyUsed();
                }
            }
        }

        return row;
    }

    /// <summary>Drops the least recently used tenth of the entries (at least one). Called under the lock.</summary>
    private void DropLeastRecentlyUsed()
    {
        // Hits keep updating LastUsed: sort a copy of the times, so that the order cannot change under the sort.
        var entries = _entries.Select(e => (e.Value.LastUsed, e.Key)).ToArray();
        Array.Sort(entries, static (a, b) => a.LastUsed.CompareTo(b.LastUsed));
        var drop = Math.Max(1, entries.Length - capacity + (capacity / 10));
        for (var i = 0; i < drop && i < entries.Length; i++)
        {
            _entries.TryRemove(entries[i].Key, out _);
        }
    }

    /// <summary>
    /// The grain's JSON as a row whose string values are .NET strings: a parsed row's string values would
    /// decode a new string on every read, and the consumer headers read them on every request.
    /// </summary>
    private static JsonObject DecodedRow(string json)
    {
        var row = JsonNode.Parse(json)!.AsObject();
        Decode(row);
        return row;

        static void Decode(JsonNode node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj.ToArray())
                    {
                        if (child is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String)
                        {
                            obj[name] = JsonValue.Create(value.GetValue<string>());
                        }
                        else if (child is not null)
                        {
                            Decode(child);
                        }
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String)
                        {
                            array[i] = JsonValue.Create(value.GetValue<string>());
                        }
                        else if (array[i] is { } child)
                        {
                            Decode(child);
                        }
                    }

                    break;
            }
        }
    }

    private readonly record struct LookupKey(string Entity, string Field, string Value);

    private sealed class Entry(string? id, Task<JsonObject?> found)
    {
        /// <summary>The row's id; null for a "not found" entry.</summary>
        public string? Id { get; } = id;

        /// <summary>The completed look-up, handed to every hit.</summary>
        public Task<JsonObject?> Found { get; } = found;

        /// <summary>When a look-up last hit this entry (Stopwatch ticks).</summary>
        public long LastUsed { get; set; } = Stopwatch.GetTimestamp();
    }
}
