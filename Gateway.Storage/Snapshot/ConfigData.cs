using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Gateway.Storage.Entities.Rbac;
using Gateway.Storage.Store;

namespace Gateway.Storage.Snapshot;

/// <summary>
/// Every row a node needs to route and proxy, at one config version: immutable once built. Nodes build
/// their compiled snapshot (router, balancers, plugin chains) from it, and write it to prefix/ so they
/// can serve across a restart while the database is down. Consumers and credentials are not in it: they
/// can number in the millions and are looked up on demand.
/// </summary>
public sealed class ConfigData
{
    /// <summary>The entities every snapshot holds, in dependency order (a row's references come earlier).</summary>
    public static readonly IReadOnlyList<string> SnapshotEntities =
        ["vaults", "certificates", "ca_certificates", "snis", "services", "routes", "upstreams", "targets", "plugins", .. RbacEntities.Names];

    private readonly FrozenDictionary<string, IReadOnlyList<JsonObject>> _rows;

    /// <summary>Wraps rows already read; entities missing from <paramref name="rows"/> are empty.</summary>
    public ConfigData(long version, IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> rows)
    {
        Version = version;
        _rows = SnapshotEntities.ToFrozenDictionary(e => e, e => rows.GetValueOrDefault(e) ?? []);
    }

    /// <summary>An empty config at version 0 (a fresh node before its first load).</summary>
    public static ConfigData Empty { get; } = new(0, new Dictionary<string, IReadOnlyList<JsonObject>>());

    /// <summary>The store's config version these rows were read at.</summary>
    public long Version { get; }

    /// <summary>The rows of one entity, as the store returns them (JSON objects in Kong's shape); never modify them.</summary>
    public IReadOnlyList<JsonObject> this[string entity] =>
        _rows.TryGetValue(entity, out var rows) ? rows : throw new ArgumentException($"'{entity}' is not part of a config snapshot", nameof(entity));

    /// <summary>
    /// Reads every snapshot entity from the store. The version is read first, so a change that lands
    /// during the read is at worst applied twice (by this read and by the next), never missed.
    /// </summary>
    public static async Task<ConfigData> LoadAsync(IConfigStore store, CancellationToken cancellationToken = default)
    {
        var version = await store.GetVersionAsync(cancellationToken);
        var rows = new Dictionary<string, IReadOnlyList<JsonObject>>();
        foreach (var entity in SnapshotEntities)
        {
            var all = new List<JsonObject>();
            string? offset = null;
            do
            {
                var page = await store.ListAsync(entity, new ListQuery(1000, offset), cancellationToken);
                all.AddRange(page.Data);
                offset = page.Offset;
            }
            while (offset is not null);
            rows[entity] = all;
        }

        return new ConfigData(version, rows);
    }
}
