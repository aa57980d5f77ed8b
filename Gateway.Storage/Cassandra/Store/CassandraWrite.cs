using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// One config write on Cassandra. Cassandra has no multi-partition transactions, so every writer of every node first
/// takes a lease row with a lightweight transaction (IF NOT EXISTS, with a TTL so a crashed node cannot hold it),
/// the same role PostgreSQL's advisory lock plays. Unique keys are still claimed with IF NOT EXISTS, and the config
/// version moves by compare-and-set, so a lease that expired mid-write cannot produce a duplicate key or version.
/// </summary>
internal sealed class CassandraWrite
{
    private const int LeaseSeconds = 30;

    private readonly CassandraSession _session;
    private readonly SchemaRegistry _registry;
    private readonly Guid _owner = Guid.NewGuid();
    private readonly List<(string Entity, string Id, ChangeKind Kind)> _changes = [];

    private CassandraWrite(CassandraSession session, SchemaRegistry registry)
    {
        _session = session;
        _registry = registry;
    }

    private string Ks => _session.Keyspace;

    /// <summary>Takes the write lease, retrying until the store's timeout.</summary>
    public static async Task<CassandraWrite> BeginAsync(CassandraSession session, SchemaRegistry registry, CancellationToken cancellationToken)
    {
        var write = new CassandraWrite(session, registry);
        var deadline = DateTimeOffset.UtcNow + session.Settings.Timeout;
        while (true)
        {
            var (applied, rows) = await session.ConditionalAsync(
                $"INSERT INTO {session.Keyspace}.locks (name, owner) VALUES ('config', ?) IF NOT EXISTS USING TTL {LeaseSeconds}",
                [write._owner],
                cancellationToken);
            if (applied)
            {
                return write;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                var holder = rows.IndexOf("owner") is var i and >= 0 ? rows.Rows[0][i] : null;
                throw new TimeoutException($"the config write lock is held by writer {holder}; gave up after {session.Settings.Timeout.TotalMilliseconds:0} ms");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>The stored row, or null.</summary>
    public async Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken)
    {
        var rows = await _session.RowsAsync($"SELECT body FROM {Ks}.entities WHERE entity = ? AND id = ?", [entity, id], cancellationToken);
        return rows.Rows.Count == 0 ? null : JsonNode.Parse((string)rows.Rows[0][0]!)!.AsObject();
    }

    /// <summary>Claims the row's unique keys, checks its references, and stores it in place of <paramref name="old"/>.</summary>
    public async Task PutAsync(EntitySchema schema, string id, JsonObject row, JsonObject? old, CancellationToken cancellationToken)
    {
        // Unique keys first, then references: the order the SQLite and PostgreSQL stores report violations in.
        var uniqueKeys = EntityKeys.UniqueKeys(schema, row);
        var claimed = new List<UniqueKey>();
        var references = EntityKeys.References(schema, row);
        try
        {
            foreach (var key in uniqueKeys)
            {
                var (applied, rows) = await _session.ConditionalAsync(
                    $"INSERT INTO {Ks}.unique_keys (entity, key, value, id) VALUES (?, ?, ?, ?) IF NOT EXISTS",
                    [schema.Name, key.Key, key.Value, id],
                    cancellationToken);
                if (applied)
                {
                    claimed.Add(key);
                }
                else if (rows.Rows[0][rows.IndexOf("id")] as string != id)
                {
                    throw new UniqueViolationException(schema.Name, key.Violation);
                }
            }
            foreach (var reference in references)
            {
                if (await GetAsync(reference.RefEntity, reference.RefId, cancellationToken) is null)
                {
                    throw new ForeignKeyViolationException(reference.Field, reference.RefId, reference.RefEntity);
                }
            }
        }
        catch
        {
            // Cassandra cannot roll back: give back the keys this write claimed.
            foreach (var mine in claimed)
            {
                await ReleaseKeyAsync(schema.Name, mine, id, CancellationToken.None);
            }
            throw;
        }

        var newRefs = references.Select(r => (r.Field, r.RefEntity, r.RefId)).ToHashSet();
        var newTags = EntityKeys.Tags(row).ToHashSet(StringComparer.Ordinal);
        if (old is not null)
        {
            var kept = uniqueKeys.Select(k => (k.Key, k.Value)).ToHashSet();
            foreach (var key in EntityKeys.UniqueKeys(schema, old).Where(k => !kept.Contains((k.Key, k.Value))))
            {
                await ReleaseKeyAsync(schema.Name, key, id, cancellationToken);
            }
            // Only rows that go away are deleted: a delete and re-insert of one row could tie on timestamp, and the tombstone would win.
            await RemoveIndexesAsync(
                schema,
                id,
                EntityKeys.References(schema, old).Where(r => !newRefs.Contains((r.Field, r.RefEntity, r.RefId))),
                EntityKeys.Tags(old).Where(t => !newTags.Contains(t)),
                cancellationToken);
        }

        await _session.RunAsync(
            $"INSERT INTO {Ks}.entities (entity, id, body) VALUES (?, ?, ?)",
            [schema.Name, id, row.ToJsonString(EntityKeys.JsonOptions)],
            cancellationToken);
        foreach (var reference in references)
        {
            await _session.RunAsync(
                $"INSERT INTO {Ks}.refs_by_target (ref_entity, ref_id, entity, field, id) VALUES (?, ?, ?, ?, ?)",
                [reference.RefEntity, reference.RefId, schema.Name, reference.Field, id],
                cancellationToken);
        }
        foreach (var tag in newTags)
        {
            await _session.RunAsync($"INSERT INTO {Ks}.tags (bucket, tag, entity, id) VALUES (0, ?, ?, ?)", [tag, schema.Name, id], cancellationToken);
        }
        _changes.Add((schema.Name, id, ChangeKind.Upsert));
    }

    /// <summary>Deletes the entity and, depth first, the entities that cascade from it.</summary>
    /// <exception cref="ReferencedByOthersException">A restricting reference exists anywhere in the cascade; nothing was deleted.</exception>
    public async Task DeleteAsync(string entity, string id, CancellationToken cancellationToken)
    {
        // Cassandra cannot roll a half-done cascade back, so the whole cascade is checked before anything is removed.
        await CheckDeletableAsync(entity, id, [], cancellationToken);
        await DeleteTreeAsync(entity, id, cancellationToken);
    }

    private async Task CheckDeletableAsync(string entity, string id, HashSet<(string, string)> visited, CancellationToken cancellationToken)
    {
        if (!visited.Add((entity, id)))
        {
            return;
        }
        var referencing = _registry.ReferencesTo(entity).ToList();
        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Cascade))
        {
            foreach (var childId in await ChildrenAsync(schema.Name, field.Name, entity, id, cancellationToken))
            {
                await CheckDeletableAsync(schema.Name, childId, visited, cancellationToken);
            }
        }
        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Restrict))
        {
            // A restricting child that the cascade removes anyway does not block the delete.
            var blocking = (await ChildrenAsync(schema.Name, field.Name, entity, id, cancellationToken)).Where(c => !visited.Contains((schema.Name, c)));
            if (blocking.Any())
            {
                throw new ReferencedByOthersException(entity, schema.Name);
            }
        }
    }

    private async Task DeleteTreeAsync(string entity, string id, CancellationToken cancellationToken)
    {
        foreach (var (schema, field) in _registry.ReferencesTo(entity).Where(r => r.Field.OnDelete == OnDelete.Cascade).ToList())
        {
            foreach (var childId in await ChildrenAsync(schema.Name, field.Name, entity, id, cancellationToken))
            {
                // An earlier branch of this cascade may have removed it already.
                if (await GetAsync(schema.Name, childId, cancellationToken) is not null)
                {
                    await DeleteTreeAsync(schema.Name, childId, cancellationToken);
                }
            }
        }

        var schemaOfEntity = _registry.Get(entity);
        if (await GetAsync(entity, id, cancellationToken) is { } old)
        {
            foreach (var key in EntityKeys.UniqueKeys(schemaOfEntity, old))
            {
                await ReleaseKeyAsync(entity, key, id, cancellationToken);
            }
            await RemoveIndexesAsync(schemaOfEntity, id, EntityKeys.References(schemaOfEntity, old), EntityKeys.Tags(old), cancellationToken);
        }
        await _session.RunAsync($"DELETE FROM {Ks}.entities WHERE entity = ? AND id = ?", [entity, id], cancellationToken);
        _changes.Add((entity, id, ChangeKind.Delete));
    }

    /// <summary>Moves the version by compare-and-set and logs the changes, then gives the lease back.</summary>
    public async Task CommitAsync(long at, CancellationToken cancellationToken)
    {
        if (_changes.Count > 0)
        {
            var current = await CurrentVersionAsync(_session, cancellationToken);
            var (applied, _) = await _session.ConditionalAsync(
                $"UPDATE {Ks}.config_version SET version = ? WHERE singleton = 1 IF version = ?",
                [current + 1, current],
                cancellationToken);
            if (!applied)
            {
                throw new InvalidOperationException($"config version {current} moved during a write: the write lease expired");
            }
            for (var seq = 0; seq < _changes.Count; seq++)
            {
                var (entity, id, kind) = _changes[seq];
                await _session.RunAsync(
                    $"INSERT INTO {Ks}.change_log (bucket, version, seq, entity, id, kind, at) VALUES (0, ?, ?, ?, ?, ?, ?)",
                    [current + 1, seq, entity, id, kind == ChangeKind.Delete ? "delete" : "upsert", at],
                    cancellationToken);
            }
        }
        await ReleaseAsync(cancellationToken);
    }

    /// <summary>Gives the lease back (also after a failed write).</summary>
    public Task ReleaseAsync(CancellationToken cancellationToken) =>
        _session.ConditionalAsync($"DELETE FROM {Ks}.locks WHERE name = 'config' IF owner = ?", [_owner], cancellationToken);

    /// <summary>The stored config version.</summary>
    public static async Task<long> CurrentVersionAsync(CassandraSession session, CancellationToken cancellationToken)
    {
        var rows = await session.RowsAsync($"SELECT version FROM {session.Keyspace}.config_version WHERE singleton = 1", [], cancellationToken);
        return rows.Rows.Count == 0 ? 0 : (long)rows.Rows[0][0]!;
    }

    private async Task<List<string>> ChildrenAsync(string childEntity, string field, string parentEntity, string parentId, CancellationToken cancellationToken)
    {
        var rows = await _session.RowsAsync(
            $"SELECT id FROM {Ks}.refs_by_target WHERE ref_entity = ? AND ref_id = ? AND entity = ? AND field = ?",
            [parentEntity, parentId, childEntity, field],
            cancellationToken);
        return rows.Rows.Select(r => (string)r[0]!).ToList();
    }

    private Task ReleaseKeyAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken) =>
        _session.ConditionalAsync($"DELETE FROM {Ks}.unique_keys WHERE entity = ? AND key = ? AND value = ? IF id = ?", [entity, key.Key, key.Value, id], cancellationToken);

    private async Task RemoveIndexesAsync(EntitySchema schema, string id, IEnumerable<ForeignRef> references, IEnumerable<string> tags, CancellationToken cancellationToken)
    {
        foreach (var reference in references)
        {
            await _session.RunAsync(
                $"DELETE FROM {Ks}.refs_by_target WHERE ref_entity = ? AND ref_id = ? AND entity = ? AND field = ? AND id = ?",
                [reference.RefEntity, reference.RefId, schema.Name, reference.Field, id],
                cancellationToken);
        }
        foreach (var tag in tags)
        {
            await _session.RunAsync($"DELETE FROM {Ks}.tags WHERE bucket = 0 AND tag = ? AND entity = ? AND id = ?", [tag, schema.Name, id], cancellationToken);
        }
    }
}
