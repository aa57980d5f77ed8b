using System.Collections.Concurrent;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// One shared dict of the memory strategy on this node (Kong's <c>ngx.shared[dictionary_name]</c>): responses by
/// cache key, each until its storage TTL, in at most <see cref="Capacity"/> bytes. Look-ups take no lock; a store
/// that takes it past its capacity evicts expired entries, then the least recently used, down to 90% of it (so
/// that a full dictionary does not sort its entries on every store). A response larger than the capacity is not stored.
/// </summary>
public sealed class MemoryDictionary(long capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();
    private long _bytes;

    /// <summary>The most bytes it holds.</summary>
    public long Capacity { get; } = capacity;

    /// <summary>The bytes it holds now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The number of responses it holds (expired ones until they are found or evicted).</summary>
    public int Count => _entries.Count;

    /// <summary>The response stored under a key, or null when there is none or its storage TTL has passed.</summary>
    public CachedResponse? Fetch(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.ExpiresAt <= Now())
        {
            Remove(key, entry);
            return null;
        }

        entry.LastUsed = time.GetTimestamp();
        return entry.Response;
    }

    /// <summary>Stores a response for <paramref name="ttlSeconds"/> (0 or less: until evicted); false when it is larger than the capacity.</summary>
    public bool Store(string key, CachedResponse response, long ttlSeconds)
    {
        var size = response.Size(key);
        if (size > Capacity)
        {
            return false;
        }

        var entry = new Entry(response, size, ttlSeconds > 0 ? Now() + ttlSeconds : long.MaxValue) { LastUsed = time.GetTimestamp() };
        while (true)
        {
            if (_entries.TryRemove(key, out var old))
            {
                Interlocked.Add(ref _bytes, -old.Size);
            }

            if (_entries.TryAdd(key, entry))
            {
                break;
            }
        }

        if (Interlocked.Add(ref _bytes, size) > Capacity)
        {
            Evict();
        }

        return true;
    }

    /// <summary>Removes a key; whether it held a response.</summary>
    public bool Purge(string key)
    {
        if (!_entries.TryRemove(key, out var old))
        {
            return false;
        }

        Interlocked.Add(ref _bytes, -old.Size);
        return true;
    }

    /// <summary>Removes every response (Kong's <c>flush_all</c>).</summary>
    public void Flush()
    {
        foreach (var key in _entries.Keys)
        {
            Purge(key);
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();

    private void Remove(string key, Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(key, entry)))
        {
            Interlocked.Add(ref _bytes, -entry.Size);
        }
    }

    private void Evict()
    {
        lock (_evicting)
        {
            var target = Capacity / 10 * 9;
            if (Bytes <= Capacity)
            {
                // Another store evicted while this one waited.
                return;
            }

            var now = Now();
            foreach (var (key, entry) in _entries.Where(e => e.Value.ExpiresAt <= now).ToList())
            {
                Remove(key, entry);
            }

            foreach (var (key, entry) in _entries.OrderBy(e => e.Value.LastUsed).ToList())
            {
                if (Bytes <= target)
                {
                    break;
                }

                Remove(key, entry);
            }
        }
    }

    private sealed class Entry(CachedResponse response, long size, long expiresAt)
    {
        public CachedResponse Response { get; } = response;

        public long Size { get; } = size;

        public long ExpiresAt { get; } = expiresAt;

        /// <summary>A <see cref="TimeProvider.GetTimestamp"/> of the last store or hit.</summary>
        public long LastUsed
        {
            get => Volatile.Read(ref _lastUsed);
            set => Volatile.Write(ref _lastUsed, value);
        }

        private long _lastUsed;
    }
}
