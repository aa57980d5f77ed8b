using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;

namespace Gateway.Storage.Relational;

/// <summary>
/// One write transaction on a relational store, holding its write lock: the reads <see cref="StoreWrites"/> checks
/// with, the index tables kept with every row, and on commit the one version bump and the change log. Disposing it
/// uncommitted rolls back, so a refused write leaves nothing behind. With an audit log, the audit records of the changes
/// are committed in the same transaction: a change whose record cannot be written does not happen.
/// </summary>
internal sealed class RelationalWrite(
    IRelationalDialect dialect, RelationalTransaction transaction, TimeProvider time, RelationalAuditLog? audit, AuditStamp? stamp) : IWriteSession
{
    /// <inheritdoc/>
    public bool Audited => audit is not null;

    /// <inheritdoc/>
    public async Task<JsonObject?> ReadAsync(string entity, string id, CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT body FROM entities WHERE entity = {entity} AND id = {id}", cancellationToken) is string body
            ? JsonNode.Parse(body)!.AsObject()
            : null;

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string entity, string id, CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT 1 FROM entities WHERE entity = {entity} AND id = {id}", cancellationToken) is not null;

    /// <inheritdoc/>
    public async Task<bool> TakeUniqueKeyAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT id FROM unique_keys WHERE entity = {entity} AND \"key\" = {key.Key} AND value = {key.Value}", cancellationToken)
            is not string owner || owner == id;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ReferencingAsync(string childEntity, string field, string parentEntity, string parentId, CancellationToken cancellationToken)
    {
        await using var command = Query(
            $"SELECT id FROM refs WHERE entity = {childEntity} AND field = {field} AND ref_id = {parentId} AND ref_entity = {parentEntity} ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <inheritdoc/>
    public async Task StoreAsync(EntitySchema schema, string id, JsonObject row, bool exists, CancellationToken cancellationToken)
    {
        var entity = schema.Name;
        if (exists)
        {
            await RemoveIndexesAsync(entity, id, cancellationToken);
        }

        var body = row.ToJsonString(EntityKeys.JsonOptions);
        await ExecuteAsync(
            $"INSERT INTO entities (entity, id, body) VALUES ({entity}, {id}, {body}) ON CONFLICT (entity, id) DO UPDATE SET body = excluded.body",
            cancellationToken);
        foreach (var key in EntityKeys.UniqueKeys(schema, row))
        {
            await ExecuteAsync($"INSERT INTO unique_keys (entity, \"key\", value, id) VALUES ({entity}, {key.Key}, {key.Value}, {id})", cancellationToken);
        }

        foreach (var reference in EntityKeys.References(schema, row))
        {
            await ExecuteAsync(
                $"INSERT INTO refs (entity, id, field, ref_entity, ref_id) VALUES ({entity}, {id}, {reference.Field}, {reference.RefEntity}, {reference.RefId})",
                cancellationToken);
        }

        foreach (var tag in EntityKeys.Tags(row))
        {
            await ExecuteAsync($"INSERT INTO tags (tag, entity, id) VALUES ({tag}, {entity}, {id})", cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(EntitySchema schema, string id, CancellationToken cancellationToken)
    {
        await RemoveIndexesAsync(schema.Name, id, cancellationToken);
        await ExecuteAsync($"DELETE FROM entities WHERE entity = {schema.Name} AND id = {id}", cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<long> CommitAsync(IReadOnlyList<EntityChange> changes, bool runtime, CancellationToken cancellationToken)
    {
        if (runtime)
        {
            await transaction.Transaction.CommitAsync(cancellationToken);
            return 0;
        }

        // The version this transaction commits, read from the row it bumps (nobody else writes while the lock is held),
        // with the audit chain's head when the write is audited: one round trip for both.
        var (version, head) = await BumpVersionAsync(cancellationToken);

        // The change log and the audit records, as one statement.
        var query = new RelationalQuery(dialect);
        var statements = new List<string>();
        if (changes.Count > 0)
        {
            var at = time.GetUtcNow().ToUnixTimeMilliseconds();
            statements.Add("INSERT INTO change_log (version, entity, id, kind, at) VALUES " + string.Join(", ", changes.Select(change =>
                query.Format($"({version}, {change.Entity}, {change.Id}, {(change.Kind == ChangeKind.Delete ? "delete" : "upsert")}, {at})"))));
        }

        var entries = audit is null ? [] : audit.Chain(AuditObjectRecords.For(audit.Policy, stamp, changes, version), head!);
        audit?.AddStatements(query, statements, entries);
        if (statements.Count > 0)
        {
            await using var command = query.AppendText(dialect.Together(statements)).Command(transaction.Connection, transaction.Transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.Transaction.CommitAsync(cancellationToken);
        audit?.Committed(entries);
        return version;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => transaction.DisposeAsync();

    private async Task RemoveIndexesAsync(string entity, string id, CancellationToken cancellationToken)
    {
        await ExecuteAsync($"DELETE FROM unique_keys WHERE entity = {entity} AND id = {id}", cancellationToken);
        await ExecuteAsync($"DELETE FROM refs WHERE entity = {entity} AND id = {id}", cancellationToken);
        await ExecuteAsync($"DELETE FROM tags WHERE entity = {entity} AND id = {id}", cancellationToken);
    }

    private async Task<(long Version, AuditAnchor? Head)> BumpVersionAsync(CancellationToken cancellationToken)
    {
        if (audit is null)
        {
            var version = await ScalarAsync($"UPDATE config_version SET version = version + 1 WHERE singleton = 1 RETURNING version", cancellationToken);
            return (Convert.ToInt64(version, CultureInfo.InvariantCulture), null);
        }

        await using var command = Query($"""
            UPDATE config_version SET version = version + 1 WHERE singleton = 1
            RETURNING version, (SELECT head_sequence FROM audit_chain WHERE singleton = 1), (SELECT head_hash FROM audit_chain WHERE singleton = 1)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var head = new AuditAnchor(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetString(2));
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), head);
    }

    private DbCommand Query(FormattableString sql) =>
        RelationalQuery.Of(dialect, sql).Command(transaction.Connection, transaction.Transaction);

    private async Task<object?> ScalarAsync(FormattableString sql, CancellationToken cancellationToken)
    {
        await using var command = Query(sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task ExecuteAsync(FormattableString sql, CancellationToken cancellationToken)
    {
        await using var command = Query(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
