using System.Text.Json.Nodes;
using Gateway.Cluster.Consumers;
using Gateway.Cluster.RuntimeRows;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Node.Pipeline;

/// <summary>
/// The SDK's run-time rows on the cluster: one <see cref="IRuntimeRowGrain"/> per unique field value of a row, written
/// through to the store's tables when the store keeps such rows (<see cref="IRuntimeRowWriter"/>: SQLite, PostgreSQL,
/// Cassandra), held by the grains alone DB-less. A save writes the store first, then tells each key's grain.
/// </summary>
/// <param name="grains">The cluster's grains.</param>
/// <param name="registry">The entity schemas: a row's unique fields are its keys.</param>
/// <param name="store">The node's store.</param>
/// <param name="version">The config version this node has seen: a grain re-reads a row older than it.</param>
public sealed class ClusterRuntimeRowStore(IGrainFactory grains, SchemaRegistry registry, IConfigStore store, Func<long> version) : IRuntimeRowStore
{
    /// <inheritdoc />
    public async Task<JsonObject?> FindAsync(string entity, string field, string value) =>
        Parse(await Grain(entity, field, value).GetAsync(version()));

    /// <inheritdoc />
    public async Task<JsonObject?> TakeAsync(string entity, string field, string value)
    {
        if (Parse(await Grain(entity, field, value).TakeAsync(version())) is not { } row)
        {
            return null;
        }

        await ForgetAsync(entity, row, keep: null, except: field);
        return row;
    }

    /// <inheritdoc />
    public async Task<bool> SaveAsync(string entity, JsonObject row, JsonObject? replaces = null)
    {
        if (store is IRuntimeRowWriter writer && !(await writer.PutRuntimeAsync(entity, row)).Applied)
        {
            return false;
        }

        var json = row.ToJsonString();
        foreach (var (field, value) in Keys(entity, row))
        {
            await Grain(entity, field, value).SetAsync(json);
        }

        if (replaces is not null)
        {
            await ForgetAsync(entity, replaces, keep: row, except: null);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string entity, JsonObject row)
    {
        if (store is IRuntimeRowWriter writer)
        {
            await writer.DeleteRuntimeAsync(entity, row["id"]!.GetValue<string>());
        }

        await ForgetAsync(entity, row, keep: null, except: null);
    }

    /// <summary>Tells the grains of <paramref name="row"/>'s keys that they find nothing, but for those <paramref name="keep"/> has too.</summary>
    private async Task ForgetAsync(string entity, JsonObject row, JsonObject? keep, string? except)
    {
        var kept = keep is null ? [] : Keys(entity, keep).ToHashSet();
        foreach (var key in Keys(entity, row).Where(k => k.Field != except && !kept.Contains(k)))
        {
            await Grain(entity, key.Field, key.Value).SetAsync(null);
        }
    }

    private IEnumerable<(string Field, string Value)> Keys(string entity, JsonObject row) =>
        registry.Get(entity).UniqueFields
            .Select(f => (f.Name, Value: row[f.Name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null))
            .Where(k => k.Value is not null)
            .Select(k => (k.Name, k.Value!));

    private IRuntimeRowGrain Grain(string entity, string field, string value) =>
        grains.GetGrain<IRuntimeRowGrain>(ConsumerKey.Format(entity, field, value));

    private static JsonObject? Parse(string? json) => json is null ? null : JsonNode.Parse(json)!.AsObject();
}
