using System.Collections.Concurrent;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// This node's memory-strategy dicts by name, each made on first use with its <see cref="SharedDicts"/> size: the
/// memory strategy is per node, as Kong's shared dicts are per node (the rows naming one dict share it).
/// </summary>
public sealed class MemoryDictionaries(long memCacheSize, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, MemoryDictionary> _byName = new(StringComparer.Ordinal);

    /// <summary>The dict of a name, made empty on first use.</summary>
    public MemoryDictionary For(string name) =>
        _byName.GetOrAdd(name, static (n, state) => new MemoryDictionary(SharedDicts.Size(n, state.memCacheSize), state.time), (memCacheSize, time));
}
