using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Store;

/// <summary>
/// One write in progress on a store, under the store's write lock, as <see cref="StoreWrites"/> drives it: what exists,
/// whether a unique key is free, who references a row, and the changes themselves. Disposing it without
/// <see cref="CommitAsync"/> leaves the store as it was (a rollback; on Cassandra, giving back the keys a refused write
/// claimed) and releases the lock.
/// </summary>
internal interface IWriteSession : IAsyncDisposable
{
    /// <summary>Whether the write's changes are recorded in the audit log, so that each change carries its rows before and after.</summary>
    bool Audited { get; }

    /// <summary>The entity's row as stored, or null; read only for the audit log.</summary>
    Task<JsonObject?> ReadAsync(string entity, string id, CancellationToken cancellationToken);

    /// <summary>Whether the entity exists.</summary>
    Task<bool> ExistsAsync(string entity, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="key"/> is free or already the row <paramref name="id"/>'s. A store without transactions
    /// (Cassandra) claims a free key here, so that no concurrent writer can take it between this check and the store.
    /// </summary>
    Task<bool> TakeUniqueKeyAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken);

    /// <summary>The ids of the <paramref name="childEntity"/> rows whose <paramref name="field"/> references the parent, in id order.</summary>
    Task<IReadOnlyList<string>> ReferencingAsync(string childEntity, string field, string parentEntity, string parentId, CancellationToken cancellationToken);

    /// <summary>Stores a checked row with its index rows, replacing the row with its id when <paramref name="exists"/>.</summary>
    Task StoreAsync(EntitySchema schema, string id, JsonObject row, bool exists, CancellationToken cancellationToken);

    /// <summary>Removes one row and its index rows (what references it is the caller's business).</summary>
    Task RemoveAsync(EntitySchema schema, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Bumps the config version once, logs <paramref name="changes"/> in order under it (and, when <see cref="Audited"/>, their audit
    /// records), and commits; returns the version. A <paramref name="runtime"/> write (<see cref="IRuntimeRowWriter"/>) only commits,
    /// returning 0: it is no config change.
    /// </summary>
    Task<long> CommitAsync(IReadOnlyList<EntityChange> changes, bool runtime, CancellationToken cancellationToken);
}
