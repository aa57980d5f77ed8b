using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// One config write on Cassandra, run by <see cref="StoreWrites"/>. Cassandra has no multi-partition transactions, so
/// every writer of every node (and <c>config db_import</c>, and any other cluster on the keyspace) first takes the
/// <see cref="CassandraLease"/>. Unique keys are still claimed with IF NOT EXISTS, and the config version moves by
/// compare-and-set, so a lease that expired mid-write cannot produce a duplicate key or version. Without a rollback, a
/// refused write gives back the keys it claimed when it is disposed.
/// With an audit log, the write's rows, index rows and change log go in one logged batch with its audit records at
/// commit, so that a change and its record are applied together or not at all; the keys the write gives up are given
/// back after that batch.
/// </summary>
internal sealed class CassandraWrite : IWriteSession
{
    private readonly CassandraSession _session;
    private readonly CassandraLease _lease;
    private readonly TimeProvider _time;
    private readonly CassandraAuditLog? _audit;
    private readonly AuditStamp? _stamp;

    /// <summary>Keys claimed for a row not stored yet (audited: for any row of the write until its batch applied): given back unless stored.</summary>
    private readonly List<(string Entity, UniqueKey Key, string Id)> _claimed = [];

    /// <summary>Audited: the statements kept for the commit's batch, and the keys to give back once it applied.</summary>
    private readonly List<(string Cql, IReadOnlyList<object?> Values)> _batch = [];
    private readonly List<(string Entity, UniqueKey Key, string Id)> _released = [];

    private CassandraWrite(CassandraSession session, CassandraLease lease, TimeProvider time, CassandraAuditLog? audit, AuditStamp? stamp)
    {
        (_session, _lease, _time, _audit, _stamp) = (session, lease, time, audit, stamp);
    }

    private string Ks => _session.Keyspace;

    /// <summary>Takes the write lease, retrying until the store's timeout; with <paramref name="audit"/>, the write is recorded under <paramref name="stamp"/>.</summary>
    public static async Task<CassandraWrite> BeginAsync(
        CassandraSession session, TimeProvider time, CassandraAuditLog? audit, AuditStamp? stamp, CancellationToken cancellationToken) =>
        new(session, await CassandraLease.TakeAsync(session, cancellationToken), time, audit, stamp);

    /// <inheritdoc/>
    public bool Audited => _audit is not null;

    /// <inheritdoc/>
    public Task<JsonObject?> ReadAsync(string entity, string id, CancellationToken cancellationToken) => GetAsync(entity, id, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string entity, string id, CancellationToken cancellationToken) => await GetAsync(entity, id, cancellationToken) is not null;

    /// <summary>Claims the key with IF NOT EXISTS; true when this write got it or the row already had it.</summary>
    public async Task<bool> TakeUniqueKeyAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken)
    {
        var (applied, rows) = await _session.ConditionalAsync(
            $"INSERT INTO {Ks}.unique_keys (entity, key, value, id) VALUES (?, ?, ?, ?) IF NOT EXISTS",
            [entity, key.Key, key.Value, id],
            cancellationToken);
        if (applied)
        {
            _claimed.Add((entity, key, id));
            return true;
        }
        return rows.Rows[0][rows.IndexOf("id")] as string == id;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ReferencingAsync(string childEntity, string field, string parentEntity, string parentId, CancellationToken cancellationToken)
    {
        var rows = await _session.RowsAsync(
            $"SELECT id FROM {Ks}.refs_by_target WHERE ref_entity = ? AND ref_id = ? AND entity = ? AND field = ?",
            [parentEntity, parentId, childEntity, field],
            cancellationToken);
        return rows.Rows.Select(r => (string)r[0]!).ToList();
    }

    /// <summary>Stores the row in place of the stored one: its keys are claimed already; the old row's other keys and index rows go.</summary>
    public async Task StoreAsync(EntitySchema schema, string id, JsonObject row, bool exists, CancellationToken cancellationToken)
    {
        // The claimed keys are the row's from here on (audited: once the batch storing it applied).
        if (!Audited)
        {
            _claimed.Clear();
        }
        var uniqueKeys = EntityKeys.UniqueKeys(schema, row);
        var references = EntityKeys.References(schema, row);
        var newRefs = references.Select(r => (r.Field, r.RefEntity, r.RefId)).ToHashSet();
        var newTags = EntityKeys.Tags(row).ToHashSet(StringComparer.Ordinal);
        if (exists && await GetAsync(schema.Name, id, cancellationToken) is { } old)
        {
            var kept = uniqueKeys.Select(k => (k.Key, k.Value)).ToHashSet();
            foreach (var key in EntityKeys.UniqueKeys(schema, old).Where(k => !kept.Contains((k.Key, k.Value))))
            {
                await ReleaseKeyLaterAsync(schema.Name, key, id, cancellationToken);
            }
            // Only rows that go away are deleted: a delete and re-insert of one row could tie on timestamp, and the tombstone would win.
            await RemoveIndexesAsync(
                schema,
                id,
                EntityKeys.References(schema, old).Where(r => !newRefs.Contains((r.Field, r.RefEntity, r.RefId))),
                EntityKeys.Tags(old).Where(t => !newTags.Contains(t)),
                cancellationToken);
        }

        await RunAsync(
            $"INSERT INTO {Ks}.entities (entity, id, body) VALUES (?, ?, ?)",
            [schema.Name, id, row.ToJsonString(EntityKeys.JsonOptions)],
            cancellationToken);
        foreach (var reference in references)
        {
            await RunAsync(
                $"INSERT INTO {Ks}.refs_by_target (ref_entity, ref_id, entity, field, id) VALUES (?, ?, ?, ?, ?)",
                [reference.RefEntity, reference.RefId, schema.Name, reference.Field, id],
                cancellationToken);
        }
        foreach (var tag in newTags)
        {
            await RunAsync($"INSERT INTO {Ks}.tags (bucket, tag, entity, id) VALUES (0, ?, ?, ?)", [tag, schema.Name, id], cancellationToken);
        }
    }

    /// <summary>Gives back the row's keys, removes its index rows, then the row.</summary>
    public async Task RemoveAsync(EntitySchema schema, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(schema.Name, id, cancellationToken) is { } old)
        {
            foreach (var key in EntityKeys.UniqueKeys(schema, old))
            {
                await ReleaseKeyLaterAsync(schema.Name, key, id, cancellationToken);
            }
            await RemoveIndexesAsync(schema, id, EntityKeys.References(schema, old), EntityKeys.Tags(old), cancellationToken);
        }
        await RunAsync($"DELETE FROM {Ks}.entities WHERE entity = ? AND id = ?", [schema.Name, id], cancellationToken);
    }

    /// <summary>
    /// Moves the version by compare-and-set and logs the changes (not for a runtime write): audited, in one logged batch
    /// with the kept statements and the changes' audit records. Then gives the lease back.
    /// </summary>
    public async Task<long> CommitAsync(IReadOnlyList<EntityChange> changes, bool runtime, CancellationToken cancellationToken)
    {
        if (runtime)
        {
            await ApplyBatchAsync([], cancellationToken);
            await _lease.ReleaseAsync(cancellationToken);
            return 0;
        }

        var current = await CurrentVersionAsync(_session, cancellationToken);
        var (applied, _) = await _session.ConditionalAsync(
            $"UPDATE {Ks}.config_version SET version = ? WHERE singleton = 1 IF version = ?",
            [current + 1, current],
            cancellationToken);
        if (!applied)
        {
            throw new InvalidOperationException($"config version {current} moved during a write: the write lease expired");
        }
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var seq = 0; seq < changes.Count; seq++)
        {
            var change = changes[seq];
            await RunAsync(
                $"INSERT INTO {Ks}.change_log (bucket, version, seq, entity, id, kind, at) VALUES (0, ?, ?, ?, ?, ?, ?)",
                [current + 1, seq, change.Entity, change.Id, change.Kind == ChangeKind.Delete ? "delete" : "upsert", at],
                cancellationToken);
        }

        var entries = _audit is null
            ? []
            : AuditChain.Seal(AuditObjectRecords.For(_audit.Policy, _stamp, changes, current + 1), await _audit.GetHeadAsync(cancellationToken), _audit.Policy.Signer);
        await ApplyBatchAsync(_audit?.Statements(entries) ?? [], cancellationToken);
        await _lease.ReleaseAsync(cancellationToken);
        _audit?.Committed(entries);
        return current + 1;
    }

    /// <summary>Gives back the keys a refused row claimed, and the lease unless the commit did.</summary>
    public async ValueTask DisposeAsync()
    {
        // Cassandra cannot roll back: the claims of a row that was never stored are undone one by one.
        foreach (var (entity, key, id) in _claimed)
        {
            await ReleaseKeyAsync(entity, key, id, CancellationToken.None);
        }
        _claimed.Clear();
        await _lease.DisposeAsync();
    }

    /// <summary>The stored config version.</summary>
    public static async Task<long> CurrentVersionAsync(CassandraSession session, CancellationToken cancellationToken)
    {
        var rows = await session.RowsAsync($"SELECT version FROM {session.Keyspace}.config_version WHERE singleton = 1", [], cancellationToken);
        return rows.Rows.Count == 0 ? 0 : (long)rows.Rows[0][0]!;
    }

    private async Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken)
    {
        var rows = await _session.RowsAsync($"SELECT body FROM {Ks}.entities WHERE entity = ? AND id = ?", [entity, id], cancellationToken);
        return rows.Rows.Count == 0 ? null : JsonNode.Parse((string)rows.Rows[0][0]!)!.AsObject();
    }

    /// <summary>Runs a statement now, or keeps it for the commit's batch when the write is audited.</summary>
    private async Task RunAsync(string cql, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        if (Audited)
        {
            _batch.Add((cql, values));
        }
        else
        {
            await _session.RunAsync(cql, values, cancellationToken);
        }
    }

    /// <summary>Audited: applies the kept statements and <paramref name="records"/> as one logged batch, then gives back the keys the write gave up.</summary>
    private async Task ApplyBatchAsync(IReadOnlyList<(string Cql, IReadOnlyList<object?> Values)> records, CancellationToken cancellationToken)
    {
        if (!Audited)
        {
            return;
        }
        if (_batch.Count + records.Count > 0)
        {
            await _session.LoggedBatchAsync([.. _batch, .. records], cancellationToken);
        }
        // The rows are stored: their claims stand, and what they gave up can go.
        _claimed.Clear();
        foreach (var (entity, key, id) in _released)
        {
            await ReleaseKeyAsync(entity, key, id, cancellationToken);
        }
    }

    /// <summary>Gives back a key the write gives up: now, or audited once the commit's batch applied (an unapplied change keeps its keys).</summary>
    private Task ReleaseKeyLaterAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken)
    {
        if (!Audited)
        {
            return ReleaseKeyAsync(entity, key, id, cancellationToken);
        }
        _released.Add((entity, key, id));
        return Task.CompletedTask;
    }

    private Task ReleaseKeyAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken) =>
        _session.ConditionalAsync($"DELETE FROM {Ks}.unique_keys WHERE entity = ? AND key = ? AND value = ? IF id = ?", [entity, key.Key, key.Value, id], cancellationToken);

    private async Task RemoveIndexesAsync(EntitySchema schema, string id, IEnumerable<ForeignRef> references, IEnumerable<string> tags, CancellationToken cancellationToken)
    {
        foreach (var reference in references)
        {
            await RunAsync(
                $"DELETE FROM {Ks}.refs_by_target WHERE ref_entity = ? AND ref_id = ? AND entity = ? AND field = ? AND id = ?",
                [reference.RefEntity, reference.RefId, schema.Name, reference.Field, id],
                cancellationToken);
        }
        foreach (var tag in tags)
        {
            await RunAsync($"DELETE FROM {Ks}.tags WHERE bucket = 0 AND tag = ? AND entity = ? AND id = ?", [tag, schema.Name, id], cancellationToken);
        }
    }
}
