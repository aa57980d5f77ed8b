using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>
/// Where config entities live: SQLite (embedded default), PostgreSQL, Cassandra, or a declarative
/// file. Entities are the complete, validated JSON objects the Admin API shows. Every write runs in
/// one transaction that also enforces uniqueness and references (from the
/// <see cref="Schema.SchemaRegistry"/>), bumps the config version once and appends one change-log
/// row per entity touched, cascaded deletes included.
/// </summary>
public interface IConfigStore : IAsyncDisposable
{
    /// <summary>Creates the tables when they are missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>The entity with this id, or null.</summary>
    Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default);

    /// <summary>The entity whose unique field (or endpoint key) holds this value, or null.</summary>
    Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default);

    /// <summary>One page of entities in id order, filtered by tags and by a foreign key.</summary>
    /// <exception cref="InvalidOffsetException">The offset was not issued by this store.</exception>
    Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default);

    /// <summary>Stores a new entity.</summary>
    /// <exception cref="PrimaryKeyViolationException">The id exists.</exception>
    /// <exception cref="UniqueViolationException">A unique field or cache key is taken.</exception>
    /// <exception cref="ForeignKeyViolationException">A referenced entity does not exist.</exception>
    Task InsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default);

    /// <summary>Replaces an existing entity; false when there is none with the row's id.</summary>
    /// <exception cref="UniqueViolationException">A unique field or cache key is taken.</exception>
    /// <exception cref="ForeignKeyViolationException">A referenced entity does not exist.</exception>
    Task<bool> UpdateAsync(string entity, JsonObject row, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the entity with the row's id.</summary>
    /// <exception cref="UniqueViolationException">A unique field or cache key is taken.</exception>
    /// <exception cref="ForeignKeyViolationException">A referenced entity does not exist.</exception>
    Task UpsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an entity and, where the schema says cascade, the entities that reference it;
    /// false when it did not exist.
    /// </summary>
    /// <exception cref="ReferencedByOthersException">A restricting reference exists; nothing was deleted.</exception>
    Task<bool> DeleteAsync(string entity, string id, CancellationToken cancellationToken = default);

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
