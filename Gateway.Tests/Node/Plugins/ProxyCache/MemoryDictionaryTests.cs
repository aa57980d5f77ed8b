using Gateway.Node.Plugins.ProxyCache;

namespace Gateway.Tests.Node.Plugins.ProxyCache;

/// <summary>The memory strategy's dict: bounded by bytes, least recently used out first, storage TTLs.</summary>
public class MemoryDictionaryTests
{
    private readonly Clock _time = new();

    [Fact]
    public void Store_PastTheCapacity_EvictsTheLeastRecentlyUsed_AndStaysWithinIt()
    {
        var one = Response(1000);
        var dictionary = new MemoryDictionary(3 * one.Size("k0") + 10, _time);
        dictionary.Store("k0", one, 0);
        _time.Advance(1);
        dictionary.Store("k1", one, 0);
        _time.Advance(1);
        dictionary.Store("k2", one, 0);
        _time.Advance(1);
        Assert.NotNull(dictionary.Fetch("k0"));
        _time.Advance(1);

        dictionary.Store("k3", one, 0);

        Assert.True(dictionary.Bytes <= dictionary.Capacity);
        Assert.Null(dictionary.Fetch("k1"));
        Assert.NotNull(dictionary.Fetch("k0"));
        Assert.NotNull(dictionary.Fetch("k3"));
    }

    [Fact]
    public void Store_LargerThanTheCapacity_IsRefused()
    {
        var dictionary = new MemoryDictionary(500, _time);
        Assert.False(dictionary.Store("big", Response(1000), 0));
        Assert.Equal(0, dictionary.Bytes);
    }

    [Fact]
    public void Fetch_AfterTheStorageTtl_FindsNothing_AndFreesTheBytes()
    {
        var dictionary = new MemoryDictionary(1 << 20, _time);
        dictionary.Store("k", Response(10), 5);
        _time.Advance(4);
        Assert.NotNull(dictionary.Fetch("k"));
        _time.Advance(1);
        Assert.Null(dictionary.Fetch("k"));
        Assert.Equal(0, dictionary.Bytes);
    }

    [Fact]
    public void StoreAgain_ReplacesTheEntry_AndPurgeAndFlushEmpty()
    {
        var dictionary = new MemoryDictionary(1 << 20, _time);
        dictionary.Store("k", Response(10), 0);
        dictionary.Store("k", Response(20), 0);
        Assert.Equal(20, dictionary.Fetch("k")!.Body.Length);
        Assert.Equal(Response(20).Size("k"), dictionary.Bytes);

        Assert.True(dictionary.Purge("k"));
        Assert.False(dictionary.Purge("k"));
        dictionary.Store("a", Response(1), 0);
        dictionary.Store("b", Response(1), 0);
        dictionary.Flush();
        Assert.Equal(0, dictionary.Count);
        Assert.Equal(0, dictionary.Bytes);
    }

    [Fact]
    public void SharedDicts_KongDbCache_IsMemCacheSize()
    {
        Assert.Equal(64, SharedDicts.Size("kong_db_cache", 64));
        Assert.True(SharedDicts.Exists("kong"));
        Assert.False(SharedDicts.Exists("nope"));
    }

    private static CachedResponse Response(int bytes) => new(200, [new("Content-Type", "text/plain")], new byte[bytes], 0, 300, null);

    /// <summary>Wall clock and timestamps that move together, one second at a time.</summary>
    private sealed class Clock : TimeProvider
    {
        private long _seconds = 1_700_000_000;

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => Interlocked.Read(ref _seconds);

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(Interlocked.Read(ref _seconds));

        public void Advance(long seconds) => Interlocked.Add(ref _seconds, seconds);
    }
}
