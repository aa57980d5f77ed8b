using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;

namespace Gateway.Storage.Relational;

/// <summary>
/// The config store on a SQL database: the generic tables (entities, unique_keys, refs, tags, config_version,
/// change_log), the queries on them and the write rules of <see cref="StoreWrites"/>, the same for SQLite and
/// PostgreSQL; what differs between the two is their <see cref="IRelationalDialect"/>. Reads take pooled connections
/// and see the last committed state; each write runs in one transaction under the dialect's write lock.
/// </summary>
public abstract class RelationalConfigStore : IConfigStore, IRuntimeRowWriter
{
    private readonly IRelationalDialect _dialect;
    private readonly SchemaRegistry _registry;
    private readonly TimeProvider _time;
    private RelationalAuditLog? _audit;

    /// <summary>A store on <paramref name="dialect"/>'s database.</summary>
    private protected RelationalConfigStore(IRelationalDialect dialect, SchemaRegistry registry, TimeProvider time)
    {
        _dialect = dialect;
        _registry = registry;
        _time = time;
    }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(async () =>
        {
            await _dialect.InitializeAsync(cancellationToken);
            return true;
        });

    /// <inheritdoc/>
    public Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        BodyAsync(Query($"SELECT body FROM entities WHERE entity = {entity} AND id = {id}"), cancellationToken);

    /// <inheritdoc/>
    public Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default)
    {
        var schema = _registry.Get(entity);
        if (field == "id")
        {
            return GetAsync(entity, value, cancellationToken);
        }

        var definition = schema[field] ?? throw new ArgumentException($"'{entity}' has no field '{field}'", nameof(field));
        if (definition.Unique)
        {
            return BodyAsync(
                Query($"""
                    SELECT e.body FROM unique_keys u JOIN entities e ON e.entity = u.entity AND e.id = u.id
                    WHERE u.entity = {entity} AND u."key" = {field} AND u.value = {value}
                    """),
                cancellationToken);
        }

        // An endpoint key that is not unique on its own (a target's "target"): the first match by id.
        var query = Query($"SELECT body FROM entities WHERE entity = {entity} AND ");
        query.AppendText(_dialect.JsonField(query, "body", field)).Append($" = {value} ORDER BY id LIMIT 1");
        return BodyAsync(query, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Size, 1);
        var after = query.Offset is null ? null : PageOffset.DecodeId(query.Offset);
        var schema = _registry.Get(entity);
        var sql = Query($"SELECT id, body FROM entities e WHERE e.entity = {entity}");
        if (after is not null)
        {
            sql.Append($" AND e.id > {after}");
        }

        if (query.ForeignField is { } foreignField)
        {
            if (schema[foreignField] is not { Type: FieldType.Foreign } || query.ForeignId is null)
            {
                throw new ArgumentException($"'{foreignField}' is not a foreign field of '{entity}', or no id was given", nameof(query));
            }

            sql.Append($" AND EXISTS (SELECT 1 FROM refs r WHERE r.entity = e.entity AND r.id = e.id AND r.field = {foreignField} AND r.ref_id = {query.ForeignId})");
        }

        if (query.Tags is { Tags.Count: > 0 } filter)
        {
            var tags = filter.Tags.Distinct(StringComparer.Ordinal).ToList();
            var tagged = $"FROM tags t WHERE t.entity = e.entity AND t.id = e.id AND {_dialect.OneOf(sql, "t.tag", tags)}";
            if (filter.MatchAll)
            {
                sql.AppendText($" AND (SELECT COUNT(*) {tagged}) = ").Append($"{(long)tags.Count}");
            }
            else
            {
                sql.AppendText($" AND EXISTS (SELECT 1 {tagged})");
            }
        }

        sql.Append($" ORDER BY e.id");
        var (rows, more) = await PageAsync(sql, query.Size, row => (Id: row.GetString(0), Body: Parse(row.GetString(1))), cancellationToken);
        return new StorePage([.. rows.Select(r => r.Body)], more ? PageOffset.Encode(rows[^1].Id) : null);
    }

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
    public IAuditLog? OpenAuditLog(AuditPolicy policy) => _audit = new RelationalAuditLog(_dialect, this, policy);

    /// <inheritdoc/>
    public Task<long> GetVersionAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(async () =>
        {
            await using var connection = await _dialect.OpenAsync(cancellationToken);
            await using var command = Query($"SELECT version FROM config_version WHERE singleton = 1").Command(connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        });

    /// <inheritdoc/>
    public Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default) =>
        GuardAsync<IReadOnlyList<ConfigChange>>(async () =>
        {
            await using var connection = await _dialect.OpenAsync(cancellationToken);
            await using var command = Query($"SELECT version, entity, id, kind, at FROM change_log WHERE version > {version} ORDER BY seq").Command(connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var changes = new List<ConfigChange>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var kind = reader.GetString(3) == "delete" ? ChangeKind.Delete : ChangeKind.Upsert;
                changes.Add(new ConfigChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), kind, reader.GetInt64(4)));
            }

            return changes;
        });

    /// <inheritdoc/>
    public async Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var after = offset is null ? null : PageOffset.DecodeKey(offset, 3);
        var sql = Query($"SELECT tag, entity, id FROM tags WHERE 1 = 1");
        if (tag is not null)
        {
            sql.Append($" AND tag = {tag}");
        }

        if (after is not null)
        {
            sql.Append($" AND (tag, entity, id) > ({after[0]}, {after[1]}, {after[2]})");
        }

        sql.Append($" ORDER BY tag, entity, id");
        var (rows, more) = await PageAsync(sql, size, row => new TagRow(row.GetString(0), row.GetString(1), row.GetString(2)), cancellationToken);
        return new TagPage(rows, more ? PageOffset.Encode([rows[^1].Tag, rows[^1].EntityName, rows[^1].EntityId]) : null);
    }

    /// <inheritdoc/>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _dialect.OpenAsync(cancellationToken);
            await using var command = Query($"SELECT version FROM config_version").Command(connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (_dialect.IsUnreachable(e))
        {
            _dialect.ClearPool();
            return false;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _dialect.DisposeAsync();

    private static JsonObject Parse(string body) => JsonNode.Parse(body)!.AsObject();

    private RelationalQuery Query(FormattableString sql) => RelationalQuery.Of(_dialect, sql);

    private Task<StoreWriteResult> WriteAsync(StoreWrites.Write write, AuditStamp? stamp, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var session = new RelationalWrite(_dialect, await _dialect.BeginWriteAsync(cancellationToken), _time, _audit, stamp);
            return await write(session, cancellationToken);
        });

    /// <summary>Up to <paramref name="size"/> rows of <paramref name="sql"/>, and whether more follow (it reads one row more to know).</summary>
    private Task<(List<T> Rows, bool More)> PageAsync<T>(RelationalQuery sql, int size, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        sql.Append($" LIMIT {size + 1}");
        return GuardAsync(async () =>
        {
            await using var connection = await _dialect.OpenAsync(cancellationToken);
            await using var command = sql.Command(connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>(Math.Min(size, 1000));
            while (await reader.ReadAsync(cancellationToken))
            {
                if (rows.Count == size)
                {
                    return (rows, true);
                }

                rows.Add(read(reader));
            }

            return (rows, false);
        });
    }

    private Task<JsonObject?> BodyAsync(RelationalQuery query, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var connection = await _dialect.OpenAsync(cancellationToken);
            await using var command = query.Command(connection);
            return await command.ExecuteScalarAsync(cancellationToken) is string body ? Parse(body) : null;
        });

    /// <summary>
    /// Runs a database call; when it lost the connection (the server restarted, say), empties the pool before
    /// rethrowing, so that the next call opens fresh connections instead of meeting the other idle ones the server has
    /// also closed. A failure that makes the database unusable is thrown as the dialect's own (<see cref="IRelationalDialect.Unusable"/>).
    /// </summary>
    internal async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (_dialect.IsConnectionFailure(e))
        {
            _dialect.ClearPool();
            throw;
        }
        catch (Exception e) when (_dialect.Unusable(e) is { } unusable)
        {
            throw unusable;
        }
    }
}
