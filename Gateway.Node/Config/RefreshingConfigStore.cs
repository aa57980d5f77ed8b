using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Node.Admin;
using Gateway.Storage.Snapshot;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>
/// The store the Admin API works through. Writes go to the entity's writer grain (which applies them
/// and pushes the new version to every node), then this node's snapshot is brought up to date before
/// the write returns, so a 201 means the change already routes here. While the database does not
/// answer, writes are refused with a 503 and reads of snapshot entities are served from the snapshot.
/// </summary>
public sealed class RefreshingConfigStore(
    IConfigStore inner, Func<ConfigRefresher> refresher, ClusterConfigWriter? writer, ConfigSnapshotProvider snapshots) : IConfigStore
{
    /// <summary>The message of the 503 a write gets while the database is unreachable.</summary>
    public const string UnavailableMessage = "database unreachable: configuration changes are refused until it is back; reads are served from the local snapshot";

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        ReadAsync(entity, () => inner.GetAsync(entity, id, cancellationToken), rows => Copy(rows.FirstOrDefault(r => Id(r) == id)));

    /// <inheritdoc />
    public Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default) =>
        ReadAsync(
            entity,
            () => inner.GetByFieldAsync(entity, field, value, cancellationToken),
            rows => Copy(rows.FirstOrDefault(r => r[field] is JsonValue v && (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()) == value)));

    /// <inheritdoc />
    public Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default) =>
        ReadAsync(entity, () => inner.ListAsync(entity, query, cancellationToken), rows => ListSnapshot(rows, query));

    /// <inheritdoc />
    public async Task InsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default) =>
        await WriteAsync(ConfigWriteKind.Insert, entity, Id(row), row, () => inner.InsertAsync(entity, row, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateAsync(string entity, JsonObject row, CancellationToken cancellationToken = default) =>
        WriteAsync(ConfigWriteKind.Update, entity, Id(row), row, () => inner.UpdateAsync(entity, row, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public async Task UpsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default) =>
        await WriteAsync(ConfigWriteKind.Upsert, entity, Id(row), row, () => inner.UpsertAsync(entity, row, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        WriteAsync(ConfigWriteKind.Delete, entity, id, null, () => inner.DeleteAsync(entity, id, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public async Task<long> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.GetVersionAsync(cancellationToken);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            return snapshots.Current.Version;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ConfigChange>>(null, () => inner.GetChangesSinceAsync(version, cancellationToken), _ => throw Unavailable());

    /// <inheritdoc />
    public Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default) =>
        ReadAsync<TagPage>(null, () => inner.ListTagsAsync(tag, size, offset, cancellationToken), _ => throw Unavailable());

    /// <inheritdoc />
    public Task<bool> IsReachableAsync(CancellationToken cancellationToken = default) => inner.IsReachableAsync(cancellationToken);

    /// <summary>The store's lifetime belongs to the node, which disposes the inner store itself.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static AdminException Unavailable() => AdminException.WithMessage(503, UnavailableMessage);

    /// <summary>Snapshot rows are shared by every request: callers get their own copy.</summary>
    private static JsonObject? Copy(JsonObject? row) => row?.DeepClone().AsObject();

    private static string Id(JsonObject row) => row["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : "";

    private async Task<T> WriteAsync<T>(
        ConfigWriteKind kind, string entity, string id, JsonObject? row, Func<Task<T>> direct, CancellationToken cancellationToken)
    {
        T result;
        try
        {
            result = writer is null ? await direct() : (T)(object)await writer.WriteAsync(kind, entity, id, row);
        }
        catch (DatabaseUnavailableException)
        {
            throw Unavailable();
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            throw Unavailable();
        }

        try
        {
            await refresher().RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            // Written, but the database went away just after: the push or the poll brings it here later.
        }

        return result;
    }

    private async Task WriteAsync(
        ConfigWriteKind kind, string entity, string id, JsonObject? row, Func<Task> direct, CancellationToken cancellationToken) =>
        await WriteAsync(kind, entity, id, row, async () =>
        {
            await direct();
            return true;
        }, cancellationToken);

    /// <summary>Reads from the store; when it does not answer, from the snapshot (snapshot entities only) or a 503.</summary>
    private async Task<T> ReadAsync<T>(string? entity, Func<Task<T>> read, Func<IReadOnlyList<JsonObject>, T> fromSnapshot)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            if (entity is null || !ConfigData.SnapshotEntities.Contains(entity))
            {
                throw Unavailable();
            }

            return fromSnapshot(snapshots.Current.Data[entity]);
        }
    }

    /// <summary>A page of snapshot rows with the store's filters and offsets (rows are in id order, as the store lists them).</summary>
    private static StorePage ListSnapshot(IReadOnlyList<JsonObject> rows, ListQuery query)
    {
        string? after = null;
        if (query.Offset is not null)
        {
            try
            {
                after = Encoding.UTF8.GetString(Convert.FromBase64String(query.Offset));
            }
            catch (FormatException)
            {
                throw new InvalidOffsetException(query.Offset, "bad base64 encoding");
            }
        }

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

        return new StorePage([.. page.Select(r => Copy(r)!)], more ? Convert.ToBase64String(Encoding.UTF8.GetBytes(Id(page[^1]))) : null);
    }
}
