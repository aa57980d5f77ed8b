using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Store;
using Npgsql;

namespace Gateway.Storage.Postgres;

/// <summary>
/// One write transaction on PostgreSQL, the twin of the SQLite store's: checks constraints, keeps the
/// index tables, and on commit bumps the config version once and logs every entity it touched.
/// Every write of every node first takes one transaction-scoped advisory lock, so the checks and the
/// version bump see no concurrent writer (config writes are rare; this keeps them simple and exact).
/// </summary>
internal sealed class PostgresWrite : IAsyncDisposable
{
    /// <summary>Arbitrary, fixed: the advisory lock key every config writer takes.</summary>
    private const long WriteLockKey = 7946_0001;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly SchemaRegistry _registry;
    private readonly List<(string Entity, string Id, ChangeKind Kind)> _changes = [];

    private PostgresWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaRegistry registry)
    {
        _connection = connection;
        _transaction = transaction;
        _registry = registry;
    }

    /// <summary>Opens a connection, begins the transaction and takes the write lock.</summary>
    public static async Task<PostgresWrite> BeginAsync(NpgsqlDataSource dataSource, SchemaRegistry registry, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var write = new PostgresWrite(connection, transaction, registry);
            await write.ExecuteAsync("SELECT pg_advisory_xact_lock($1)", cancellationToken, WriteLockKey);
            return write;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether the entity exists.</summary>
    public async Task<bool> ExistsAsync(string entity, string id, CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT 1 FROM entities WHERE entity = $1 AND id = $2", cancellationToken, entity, id) is not null;

    /// <summary>Stores the row after checking its unique keys and references, replacing the one with its id.</summary>
    public async Task PutAsync(EntitySchema schema, string id, JsonObject row, bool exists, CancellationToken cancellationToken)
    {
        var uniqueKeys = EntityKeys.UniqueKeys(schema, row);
        foreach (var key in uniqueKeys)
        {
            var owner = await ScalarAsync(
                "SELECT id FROM unique_keys WHERE entity = $1 AND \"key\" = $2 AND value = $3", cancellationToken, schema.Name, key.Key, key.Value);
            if (owner is string ownerId && ownerId != id)
            {
                throw new UniqueViolationException(schema.Name, key.Violation);
            }
        }

        var references = EntityKeys.References(schema, row);
        foreach (var reference in references)
        {
            if (!await ExistsAsync(reference.RefEntity, reference.RefId, cancellationToken))
            {
                throw new ForeignKeyViolationException(reference.Field, reference.RefId, reference.RefEntity);
            }
        }

        if (exists)
        {
            await RemoveIndexesAsync(schema.Name, id, cancellationToken);
        }

        await ExecuteAsync(
            "INSERT INTO entities (entity, id, body) VALUES ($1, $2, $3) ON CONFLICT (entity, id) DO UPDATE SET body = excluded.body",
            cancellationToken, schema.Name, id, row.ToJsonString(EntityKeys.JsonOptions));
        foreach (var key in uniqueKeys)
        {
            await ExecuteAsync("INSERT INTO unique_keys (entity, \"key\", value, id) VALUES ($1, $2, $3, $4)", cancellationToken, schema.Name, key.Key, key.Value, id);
        }

        foreach (var reference in references)
        {
            await ExecuteAsync(
                "INSERT INTO refs (entity, id, field, ref_entity, ref_id) VALUES ($1, $2, $3, $4, $5)",
                cancellationToken, schema.Name, id, reference.Field, reference.RefEntity, reference.RefId);
        }

        foreach (var tag in EntityKeys.Tags(row))
        {
            await ExecuteAsync("INSERT INTO tags (tag, entity, id) VALUES ($1, $2, $3)", cancellationToken, tag, schema.Name, id);
        }

        _changes.Add((schema.Name, id, ChangeKind.Upsert));
    }

    /// <summary>
    /// Deletes the entity, cascading to the entities that reference it with <see cref="OnDelete.Cascade"/>
    /// (children first, so the log never names a child whose parent is already gone).
    /// </summary>
    /// <exception cref="ReferencedByOthersException">A restricting reference remains; the caller rolls back.</exception>
    public async Task DeleteAsync(string entity, string id, CancellationToken cancellationToken)
    {
        var referencing = _registry.ReferencesTo(entity).ToList();

        // Cascades first: a restricting row that a cascade removes no longer blocks the delete.
        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Cascade))
        {
            foreach (var childId in await ChildrenAsync(schema.Name, field.Name, entity, id, cancellationToken))
            {
                // An earlier branch of this cascade may have removed it already.
                if (await ExistsAsync(schema.Name, childId, cancellationToken))
                {
                    await DeleteAsync(schema.Name, childId, cancellationToken);
                }
            }
        }

        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Restrict))
        {
            if ((await ChildrenAsync(schema.Name, field.Name, entity, id, cancellationToken)).Count > 0)
            {
                throw new ReferencedByOthersException(entity, schema.Name);
            }
        }

        await RemoveIndexesAsync(entity, id, cancellationToken);
        await ExecuteAsync("DELETE FROM entities WHERE entity = $1 AND id = $2", cancellationToken, entity, id);
        _changes.Add((entity, id, ChangeKind.Delete));
    }

    /// <summary>Bumps the version once (when anything changed), logs the changes and commits.</summary>
    public async Task CommitAsync(long at, CancellationToken cancellationToken)
    {
        if (_changes.Count > 0)
        {
            var version = (long)(await ScalarAsync("UPDATE config_version SET version = version + 1 WHERE singleton = 1 RETURNING version", cancellationToken))!;
            foreach (var (entity, id, kind) in _changes)
            {
                await ExecuteAsync(
                    "INSERT INTO change_log (version, entity, id, kind, at) VALUES ($1, $2, $3, $4, $5)",
                    cancellationToken, version, entity, id, kind == ChangeKind.Delete ? "delete" : "upsert", at);
            }
        }

        await _transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Rolls back unless committed, and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task<List<string>> ChildrenAsync(string childEntity, string field, string parentEntity, string parentId, CancellationToken cancellationToken)
    {
        await using var command = PostgresCommands.Create(
            _connection, _transaction,
            "SELECT id FROM refs WHERE entity = $1 AND field = $2 AND ref_id = $3 AND ref_entity = $4 ORDER BY id",
            childEntity, field, parentId, parentEntity);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task RemoveIndexesAsync(string entity, string id, CancellationToken cancellationToken)
    {
        await ExecuteAsync("DELETE FROM unique_keys WHERE entity = $1 AND id = $2", cancellationToken, entity, id);
        await ExecuteAsync("DELETE FROM refs WHERE entity = $1 AND id = $2", cancellationToken, entity, id);
        await ExecuteAsync("DELETE FROM tags WHERE entity = $1 AND id = $2", cancellationToken, entity, id);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = PostgresCommands.Create(_connection, _transaction, sql, values);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = PostgresCommands.Create(_connection, _transaction, sql, values);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
