using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>
/// The store the Admin API writes through: after each accepted write it brings this node's snapshot
/// up to date before the write returns, so a 201 means the change already routes here.
/// </summary>
public sealed class RefreshingConfigStore(IConfigStore inner, Func<ConfigRefresher> refresher) : IConfigStore
{
    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        inner.GetAsync(entity, id, cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default) =>
        inner.GetByFieldAsync(entity, field, value, cancellationToken);

    /// <inheritdoc />
    public Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default) =>
        inner.ListAsync(entity, query, cancellationToken);

    /// <inheritdoc />
    public async Task InsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default)
    {
        await inner.InsertAsync(entity, row, cancellationToken);
        await refresher().RefreshAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(string entity, JsonObject row, CancellationToken cancellationToken = default)
    {
        var updated = await inner.UpdateAsync(entity, row, cancellationToken);
        await refresher().RefreshAsync(cancellationToken);
        return updated;
    }

    /// <inheritdoc />
    public async Task UpsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default)
    {
        await inner.UpsertAsync(entity, row, cancellationToken);
        await refresher().RefreshAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string entity, string id, CancellationToken cancellationToken = default)
    {
        var deleted = await inner.DeleteAsync(entity, id, cancellationToken);
        await refresher().RefreshAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public Task<long> GetVersionAsync(CancellationToken cancellationToken = default) => inner.GetVersionAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default) =>
        inner.GetChangesSinceAsync(version, cancellationToken);

    /// <inheritdoc />
    public Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default) =>
        inner.ListTagsAsync(tag, size, offset, cancellationToken);

    /// <inheritdoc />
    public Task<bool> IsReachableAsync(CancellationToken cancellationToken = default) => inner.IsReachableAsync(cancellationToken);

    /// <summary>The store's lifetime belongs to the node, which disposes the inner store itself.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
