using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>The reads of the config: entities, pages, tags, the config version and its change log.</summary>
public interface IConfigReader
{
    /// <summary>The entity with this id, or null.</summary>
    Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default);

    /// <summary>The entity whose unique field (or endpoint key) holds this value, or null.</summary>
    Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default);

    /// <summary>One page of entities in id order, filtered by tags and by a foreign key.</summary>
    /// <exception cref="InvalidOffsetException">The offset was not issued by this store.</exception>
    Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default);

    /// <summary>The config version: bumped by every committed write.</summary>
    Task<long> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>The change-log rows after <paramref name="version"/>, oldest first.</summary>
    Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default);

    /// <summary>One page of (tag, entity, id) rows, optionally for one tag, in a stable order.</summary>
    /// <exception cref="InvalidOffsetException">The offset was not issued by this store.</exception>
    Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default);

    /// <summary>Whether the database answers now.</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken = default);
}
