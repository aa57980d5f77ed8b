using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Store;
using Microsoft.Data.Sqlite;

namespace Gateway.Storage.Sqlite;

/// <summary>
/// One write transaction: checks constraints, maintains the index tables, and on commit bumps the
/// config version once and logs every entity it touched. Disposing without committing rolls back,
/// so a refused write leaves nothing behind.
/// </summary>
internal sealed class SqliteWrite(SqliteConnection connection, SchemaRegistry registry) : IDisposable
{
    private readonly SqliteTransaction _transaction = connection.BeginTransaction(deferred: false);
    private readonly List<(string Entity, string Id, ChangeKind Kind)> _changes = [];

    /// <summary>Whether the entity exists.</summary>
    public bool Exists(string entity, string id) =>
        Scalar("SELECT 1 FROM entities WHERE entity = $p0 AND id = $p1", entity, id) is not null;

    /// <summary>Stores the row after checking its unique keys and references, replacing the one with its id.</summary>
    public void Put(EntitySchema schema, string id, JsonObject row, bool exists)
    {
        var uniqueKeys = EntityKeys.UniqueKeys(schema, row);
        foreach (var key in uniqueKeys)
        {
            var owner = Scalar("SELECT id FROM unique_keys WHERE entity = $p0 AND \"key\" = $p1 AND value = $p2", schema.Name, key.Key, key.Value);
            if (owner is string ownerId && ownerId != id)
            {
                throw new UniqueViolationException(schema.Name, key.Violation);
            }
        }

        var references = EntityKeys.References(schema, row);
        foreach (var reference in references)
        {
            if (!Exists(reference.RefEntity, reference.RefId))
            {
                throw new ForeignKeyViolationException(reference.Field, reference.RefId, reference.RefEntity);
            }
        }

        if (exists)
        {
            RemoveIndexes(schema.Name, id);
        }

        Execute(
            "INSERT INTO entities (entity, id, body) VALUES ($p0, $p1, $p2) ON CONFLICT (entity, id) DO UPDATE SET body = excluded.body",
            schema.Name, id, row.ToJsonString(EntityKeys.JsonOptions));
        foreach (var key in uniqueKeys)
        {
            Execute("INSERT INTO unique_keys (entity, \"key\", value, id) VALUES ($p0, $p1, $p2, $p3)", schema.Name, key.Key, key.Value, id);
        }

        foreach (var reference in references)
        {
            Execute(
                "INSERT INTO refs (entity, id, field, ref_entity, ref_id) VALUES ($p0, $p1, $p2, $p3, $p4)",
                schema.Name, id, reference.Field, reference.RefEntity, reference.RefId);
        }

        foreach (var tag in EntityKeys.Tags(row))
        {
            Execute("INSERT INTO tags (tag, entity, id) VALUES ($p0, $p1, $p2)", tag, schema.Name, id);
        }

        _changes.Add((schema.Name, id, ChangeKind.Upsert));
    }

    /// <summary>
    /// Deletes the entity, cascading to the entities that reference it with <see cref="OnDelete.Cascade"/>
    /// (children first, so the log never names a child whose parent is already gone).
    /// </summary>
    /// <exception cref="ReferencedByOthersException">A restricting reference remains; the caller rolls back.</exception>
    public void Delete(string entity, string id)
    {
        var referencing = registry.ReferencesTo(entity).ToList();

        // Cascades first: a restricting row that a cascade removes no longer blocks the delete.
        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Cascade))
        {
            foreach (var childId in Children(schema.Name, field.Name, entity, id))
            {
                // An earlier branch of this cascade may have removed it already.
                if (Exists(schema.Name, childId))
                {
                    Delete(schema.Name, childId);
                }
            }
        }

        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Restrict))
        {
            if (Children(schema.Name, field.Name, entity, id).Count > 0)
            {
                throw new ReferencedByOthersException(entity, schema.Name);
            }
        }

        RemoveIndexes(entity, id);
        Execute("DELETE FROM entities WHERE entity = $p0 AND id = $p1", entity, id);
        _changes.Add((entity, id, ChangeKind.Delete));
    }

    /// <summary>Bumps the version once (when anything changed), logs the changes and commits.</summary>
    public void Commit(long at)
    {
        if (_changes.Count > 0)
        {
            var version = (long)Scalar("UPDATE config_version SET version = version + 1 WHERE singleton = 1 RETURNING version")!;
            foreach (var (entity, id, kind) in _changes)
            {
                Execute(
                    "INSERT INTO change_log (version, entity, id, kind, at) VALUES ($p0, $p1, $p2, $p3, $p4)",
                    version, entity, id, kind == ChangeKind.Delete ? "delete" : "upsert", at);
            }
        }

        _transaction.Commit();
    }

    /// <inheritdoc/>
    public void Dispose() => _transaction.Dispose();

    private List<string> Children(string childEntity, string field, string parentEntity, string parentId)
    {
        using var command = SqliteCommands.Create(
            connection, _transaction,
            "SELECT id FROM refs WHERE entity = $p0 AND field = $p1 AND ref_id = $p2 AND ref_entity = $p3 ORDER BY id",
            childEntity, field, parentId, parentEntity);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private void RemoveIndexes(string entity, string id)
    {
        Execute("DELETE FROM unique_keys WHERE entity = $p0 AND id = $p1", entity, id);
        Execute("DELETE FROM refs WHERE entity = $p0 AND id = $p1", entity, id);
        Execute("DELETE FROM tags WHERE entity = $p0 AND id = $p1", entity, id);
    }

    private object? Scalar(string sql, params object?[] values)
    {
        using var command = SqliteCommands.Create(connection, _transaction, sql, values);
        return command.ExecuteScalar();
    }

    private void Execute(string sql, params object?[] values)
    {
        using var command = SqliteCommands.Create(connection, _transaction, sql, values);
        command.ExecuteNonQuery();
    }
}
