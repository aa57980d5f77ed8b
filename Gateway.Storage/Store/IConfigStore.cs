using System.Text.Json.Nodes;
using Gateway.Storage.Audit;

namespace Gateway.Storage.Store;

/// <summary>
/// Where config entities live: SQLite (embedded default), PostgreSQL, Cassandra, or a declarative
/// file. Entities are the complete, validated JSON objects the Admin API shows. Every write runs in
/// one transaction that also enforces uniqueness and references (from the
/// <see cref="Schema.SchemaRegistry"/>), bumps the config version once and appends one change-log
/// row per entity touched, cascaded deletes included; it answers with the version it committed, or
/// with the <see cref="WriteRefusal"/> that stopped it (then nothing changed). The database not
/// answering is an exception (see <see cref="StoreFailures"/>), not a refusal. A write's <see cref="AuditStamp"/> names the
/// request it belongs to in its audit records.
/// </summary>
public interface IConfigStore : IConfigReader, IAsyncDisposable
{
    /// <summary>Creates the tables when they are missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts recording every write's changes in the audit log under <paramref name="policy"/>, in the write's own
    /// transaction, and returns the log; null when this store keeps none (then nothing is recorded). Called once, at start.
    /// </summary>
    IAuditLog? OpenAuditLog(AuditPolicy policy);

    /// <summary>Stores a new entity; refused when the id exists, a unique field or cache key is taken, or a referenced entity does not exist.</summary>
    Task<StoreWriteResult> InsertAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces an existing entity (<see cref="StoreWriteResult.NotFound"/> when there is none with the row's id); refused as an insert is, but for the id.</summary>
    Task<StoreWriteResult> UpdateAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the entity with the row's id; refused as an update is.</summary>
    Task<StoreWriteResult> UpsertAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an entity and, where the schema says cascade, the entities that reference it
    /// (<see cref="StoreWriteResult.NotFound"/> when it does not exist); refused, deleting nothing, while a
    /// restricting reference remains.
    /// </summary>
    Task<StoreWriteResult> DeleteAsync(string entity, string id, AuditStamp? stamp = null, CancellationToken cancellationToken = default);
}
