using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Storage.Snapshot;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>
/// How the Admin API reads config: from the store, and while the database does not answer, from this node's snapshot
/// instead, for the entities a snapshot holds (routes, services, plugins, ...); reads of any other entity, of tags and
/// of the change log are then refused with <see cref="DatabaseUnavailableException"/>, which the Admin API answers
/// with a 503.
/// </summary>
public sealed class SnapshotFallbackReader(IConfigReader store, ConfigSnapshotProvider snapshots) : IConfigReader
{
    /// <inheritdoc />
    public Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        ReadAsync(() => store.GetAsync(entity, id, cancellationToken), entity, rows => Copy(rows.FirstOrDefault(r => Id(r) == id)));

    /// <inheritdoc />
    public Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default) =>
        ReadAsync(
            () => store.GetByFieldAsync(entity, field, value, cancellationToken),
            entity,
            rows => Copy(rows.FirstOrDefault(r => r[field] is JsonValue v && (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()) == value)));

    /// <inheritdoc />
    public Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default) =>
        ReadAsync(() => store.ListAsync(entity, query, cancellationToken), entity, rows => ListSnapshot(rows, query));

    /// <inheritdoc />
    public async Task<long> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.GetVersionAsync(cancellationToken);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            return snapshots.Current.Version;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default) =>
        ReadAsync(() => store.GetChangesSinceAsync(version, cancellationToken));

    /// <inheritdoc />
    public Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default) =>
        ReadAsync(() => store.ListTagsAsync(tag, size, offset, cancellationToken));

    /// <inheritdoc />
    public Task<bool> IsReachableAsync(CancellationToken cancellationToken = default) => store.IsReachableAsync(cancellationToken);

    /// <summary>Snapshot rows are shared by every request: callers get their own copy.</summary>
    private static JsonObject? Copy(JsonObject? row) => row?.DeepClone().AsObject();

    private static string Id(JsonObject row) => row["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : "";

    /// <summary>Reads from the store; when it does not answer, from the snapshot (snapshot entities only) or not at all.</summary>
    /// <exception cref="DatabaseUnavailableException">The database does not answer and the snapshot does not hold <paramref name="entity"/>.</exception>
    private async Task<T> ReadAsync<T>(Func<Task<T>> read, string? entity = null, Func<IReadOnlyList<JsonObject>, T>? fromSnapshot = null)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            if (entity is null || fromSnapshot is null || !ConfigData.SnapshotEntities.Contains(entity))
            {
                throw new DatabaseUnavailableException(e.Message);
            }

            return fromSnapshot(snapshots.Current.Data[entity]);
        }
    }

    /// <summary>A page of snapshot rows with the store's filters and offsets (rows are in id order, as the store lists them).</summary>
    private static StorePage ListSnapshot(IReadOnlyList<JsonObject> rows, ListQuery query)
    {
        var after = query.Offset is null ? null : PageOffset.DecodeId(query.Offset);
        IEnumerable<JsonObject> matching = rows;
        if (after is not null)
        {
            matching = matching.Where(r => string.CompareOrdinal(Id(r), after) > 0);
        }

        if (query.ForeignField is { } field)
        {
            matching = matching.Where(r => r[field] is JsonObject foreign && foreign["id"]?.GetValue<string>() == query.ForeignId);
        }

        if (query.Tags is { Tags.Count: > 0 } filter)
        {
            matching = matching.Where(r =>
            {
                var tags = r["tags"] is JsonArray list ? list.Select(t => t?.GetValue<string>()).ToHashSet(StringComparer.Ordinal) : [];
                return filter.MatchAll ? filter.Tags.All(tags.Contains) : filter.Tags.Any(tags.Contains);
            });
        }

        var page = matching.Take(query.Size + 1).ToList();
        var more = page.Count > query.Size;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
        }

        return new StorePage([.. page.Select(r => Copy(r)!)], more ? PageOffset.Encode(Id(page[^1])) : null);
    }
}
