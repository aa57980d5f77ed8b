using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Migrations;
using Gateway.Storage.Store;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// The multi-region store: the config entities on Cassandra through the built-in CQL client. Reads run at
/// cassandra_consistency; writes follow the same rules as on SQLite and PostgreSQL (<see cref="StoreWrites"/>), on
/// lightweight transactions instead of a transaction: they are serialised by a lease (see <see cref="CassandraWrite"/>),
/// unique keys are claimed with IF NOT EXISTS, and the config version moves by compare-and-set, so versions and the
/// change log behave as on the relational stores.
/// </summary>
public sealed class CassandraConfigStore : IConfigStore, IRuntimeRowWriter
{
    private readonly CassandraSession _session;
    private readonly SchemaRegistry _registry;
    private readonly TimeProvider _time;
    private CassandraAuditLog? _audit;

    /// <summary>A store on the keyspace <paramref name="settings"/> name; connects on first use.</summary>
    public CassandraConfigStore(CassandraSettings settings, SchemaRegistry registry, TimeProvider time)
    {
        _session = new CassandraSession(new CqlCluster(settings.ClientOptions(), time), settings);
        _registry = registry;
        _time = time;
    }

    /// <summary>The connection pool, for <see cref="CassandraMigrations"/> at node start.</summary>
    public CqlCluster Cluster => _session.Cluster;

    /// <summary>The settings the store was opened with.</summary>
    public CassandraSettings Settings => _session.Settings;

    /// <summary>
    /// Creates the keyspace (from the replication settings) and the tables when missing, as <c>migrations bootstrap</c>
    /// does; waits for schema agreement.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default) =>
        await CassandraMigrations.UpAsync(_session.Cluster, _session.Settings, cancellationToken);

    /// <summary>
    /// Whether <c>migrations bootstrap</c> has run: the keyspace holds the store's tables. A node refuses to start
    /// on a keyspace that has not been bootstrapped, as it does on an empty PostgreSQL database.
    /// </summary>
    public async Task<bool> IsBootstrappedAsync(CancellationToken cancellationToken = default)
    {
        var rows = await _session.RowsAsync(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", [_session.Settings.Keyspace], cancellationToken);
        var tables = rows.Rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        return CassandraTables.Names.All(tables.Contains);
    }

    /// <inheritdoc/>
    public async Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default)
    {
        var rows = await _session.RowsAsync($"SELECT body FROM {_session.Keyspace}.entities WHERE entity = ? AND id = ?", [entity, id], cancellationToken);
        return rows.Rows.Count == 0 ? null : Parse(rows.Rows[0][0]);
    }

    /// <inheritdoc/>
    public async Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default)
    {
        var schema = _registry.Get(entity);
        if (field == "id")
        {
            return await GetAsync(entity, value, cancellationToken);
        }
        var definition = schema[field] ?? throw new ArgumentException($"'{entity}' has no field '{field}'", nameof(field));
        if (definition.Unique)
        {
            var owner = await _session.RowsAsync(
                $"SELECT id FROM {_session.Keyspace}.unique_keys WHERE entity = ? AND key = ? AND value = ?", [entity, field, value], cancellationToken);
            return owner.Rows.Count == 0 ? null : await GetAsync(entity, (string)owner.Rows[0][0]!, cancellationToken);
        }
        // An endpoint key that is not unique on its own (a target's "target"): the first match in id order.
        await foreach (var (_, row) in ScanAsync(entity, null, cancellationToken))
        {
            if (row[field] is { } node && EntityKeys.ValueText(node) == value)
            {
                return row;
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public async Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Size, 1);
        var after = query.Offset is null ? null : PageOffset.DecodeId(query.Offset);
        var schema = _registry.Get(entity);
        if (query.ForeignField is { } foreignField && (schema[foreignField] is not { Type: FieldType.Foreign } || query.ForeignId is null))
        {
            throw new ArgumentException($"'{foreignField}' is not a foreign field of '{entity}', or no id was given", nameof(query));
        }
        var wanted = query.Tags is { Tags.Count: > 0 } filter ? filter.Tags.Distinct(StringComparer.Ordinal).ToList() : null;
        var data = new List<JsonObject>(Math.Min(query.Size, 1000));
        string? lastId = null;
        // Config tables are small: filter in id order on the client, as Kong's Cassandra strategy does for tags.
        await foreach (var (id, row) in ScanAsync(entity, after, cancellationToken))
        {
            if (query.ForeignField is { } field && EntityKeys.ForeignId(row[field]) != query.ForeignId)
            {
                continue;
            }
            if (wanted is not null)
            {
                var tags = EntityKeys.Tags(row).ToHashSet(StringComparer.Ordinal);
                if (query.Tags!.MatchAll ? !wanted.All(tags.Contains) : !wanted.Any(tags.Contains))
                {
                    continue;
                }
            }
            if (data.Count == query.Size)
            {
                return new StorePage(data, PageOffset.Encode(lastId!));
            }
            data.Add(row);
            lastId = id;
        }
        return new StorePage(data, null);
    }

    /// <inheritdoc/>
    public IAuditLog? OpenAuditLog(AuditPolicy policy) => _audit = new CassandraAuditLog(_session, policy);

    /// <inheritdoc/>
    public Task<StoreWriteResult> InsertAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default) =>
        WriteAsync(StoreWrites.Insert(_registry, entity, row), stamp, cancellationToken);

    /// <inheritdoc/>
    public Task<StoreWriteResult> UpdateAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default) =>
        WriteAsync(StoreWrites.Update(_registry, entity, row), stamp, cancellationToken);

    /// <inheritdoc/>
    public Task<StoreWriteResult> UpsertAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default) =>
        WriteAsync(StoreWrites.Upsert(_registry, entity, row), stamp, cancellationToken);

    /// <inheritdoc/>
    public Task<StoreWriteResult> DeleteAsync(string entity, string id, AuditStamp? stamp = null, CancellationToken cancellationToken = default) =>
        WriteAsync(StoreWrites.Delete(_registry, entity, id), stamp, cancellationToken);

    /// <inheritdoc/>
    public Task<StoreWriteResult> PutRuntimeAsync(string entity, JsonObject row, CancellationToken cancellationToken = default) =>
        WriteAsync(StoreWrites.Upsert(_registry, entity, row, runtime: true), null, cancellationToken);

    /// <inheritdoc/>
    public Task<StoreWriteResult> DeleteRuntimeAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        WriteAsync(StoreWrites.Delete(_registry, entity, id, runtime: true), null, cancellationToken);

    /// <inheritdoc/>
    public Task<long> GetVersionAsync(CancellationToken cancellationToken = default) => CassandraWrite.CurrentVersionAsync(_session, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default)
    {
        var rows = await _session.AllPagesAsync(
            $"SELECT version, entity, id, kind, at FROM {_session.Keyspace}.change_log WHERE bucket = 0 AND version > ?",
            [version],
            1000,
            cancellationToken);
        return rows.Select(r => new ConfigChange(
            (long)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]! == "delete" ? ChangeKind.Delete : ChangeKind.Upsert, (long)r[4]!)).ToList();
    }

    /// <inheritdoc/>
    public async Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var after = offset is null ? null : PageOffset.DecodeKey(offset, 3);
        var cql = $"SELECT tag, entity, id FROM {_session.Keyspace}.tags WHERE bucket = 0";
        var values = new List<object?>();
        if (tag is not null)
        {
            cql += " AND tag = ?";
            values.Add(tag);
            if (after is not null)
            {
                // With the tag fixed, the slice continues on the remaining clustering columns.
                cql += " AND (entity, id) > (?, ?)";
                values.AddRange([after[1], after[2]]);
            }
        }
        else if (after is not null)
        {
            cql += " AND (tag, entity, id) > (?, ?, ?)";
            values.AddRange(after);
        }
        cql += $" LIMIT {size + 1}";
        var rows = await _session.RowsAsync(cql, values, cancellationToken);
        var data = rows.Rows.Take(size).Select(r => new TagRow((string)r[0]!, (string)r[1]!, (string)r[2]!)).ToList();
        var more = rows.Rows.Count > size;
        return new TagPage(data, more ? PageOffset.Encode([data[^1].Tag, data[^1].EntityName, data[^1].EntityId]) : null);
    }

    /// <inheritdoc/>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _session.Cluster.QueryAsync("SELECT release_version FROM system.local", cancellationToken: cancellationToken);
            return true;
        }
        catch (CqlException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _session.Cluster.DisposeAsync();

    private async Task<StoreWriteResult> WriteAsync(StoreWrites.Write write, AuditStamp? stamp, CancellationToken cancellationToken)
    {
        await using var session = await CassandraWrite.BeginAsync(_session, _time, _audit, stamp, cancellationToken);
        return await write(session, cancellationToken);
    }

    /// <summary>The rows of one entity type in id order, after <paramref name="afterId"/>, fetched 500 at a time.</summary>
    private async IAsyncEnumerable<(string Id, JsonObject Row)> ScanAsync(
        string entity, string? afterId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int Batch = 500;
        var cursor = afterId;
        while (true)
        {
            var rows = cursor is null
                ? await _session.RowsAsync($"SELECT id, body FROM {_session.Keyspace}.entities WHERE entity = ? LIMIT {Batch}", [entity], cancellationToken)
                : await _session.RowsAsync($"SELECT id, body FROM {_session.Keyspace}.entities WHERE entity = ? AND id > ? LIMIT {Batch}", [entity, cursor], cancellationToken);
            foreach (var row in rows.Rows)
            {
                cursor = (string)row[0]!;
                yield return (cursor, Parse(row[1]));
            }
            if (rows.Rows.Count < Batch)
            {
                yield break;
            }
        }
    }

    private static JsonObject Parse(object? body) => JsonNode.Parse((string)body!)!.AsObject();
}
