namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// The shared dicts a Kong 3.9 node has (kong/templates/nginx_kong.lua's <c>lua_shared_dict</c> lines), which are
/// the names <c>memory.dictionary_name</c> may take, and the bytes each holds: the entity caches
/// <c>kong_db_cache</c> and <c>kong_core_db_cache</c> are <c>mem_cache_size</c> (128m by default), the others
/// the template's fixed sizes. Each name is its own bounded memory on each node.
/// </summary>
public static class SharedDicts
{
    private const long MiB = 1024 * 1024;

    private static readonly Dictionary<string, long> FixedSizes = new(StringComparer.Ordinal)
    {
        ["kong"] = 5 * MiB,
        ["kong_locks"] = 8 * MiB,
        ["kong_healthchecks"] = 5 * MiB,
        ["kong_cluster_events"] = 5 * MiB,
        ["kong_rate_limiting_counters"] = 12 * MiB,
        ["kong_core_db_cache_miss"] = 12 * MiB,
        ["kong_db_cache_miss"] = 12 * MiB,
        ["kong_secrets"] = 5 * MiB,
    };

    /// <summary>Whether a Kong node has a shared dict of this name.</summary>
    public static bool Exists(string name) => name is "kong_db_cache" or "kong_core_db_cache" || FixedSizes.ContainsKey(name);

    /// <summary>The bytes the dict holds, given the node's <c>mem_cache_size</c>.</summary>
    public static long Size(string name, long memCacheSize) =>
        name is "kong_db_cache" or "kong_core_db_cache" ? memCacheSize : FixedSizes.GetValueOrDefault(name, 5 * MiB);
}
