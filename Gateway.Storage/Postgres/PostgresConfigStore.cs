using System.Text;
using System.Text.Json.Nodes;
using Gateway.Storage.Migrations;
using Gateway.Schema;
using Gateway.Storage.Store;
using Npgsql;

namespace Gateway.Storage.Postgres;

/// <summary>
/// The cluster store: the same generic tables as the SQLite store, on PostgreSQL through Npgsql.
/// Reads take pooled connections and see the last committed state; writes run in one transaction
/// each, serialised across every node by an advisory lock (see <see cref="PostgresWrite"/>).
/// </summary>
public sealed class PostgresConfigStore : IConfigStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaRegistry _registry;
    private readonly TimeProvider _time;

    /// <summary>A store on the database <paramref name="settings"/> name.</summary>
    public PostgresConfigStore(PostgresSettings settings, SchemaRegistry registry, TimeProvider time)
    {
        _dataSource = settings.CreateDataSource();
        _registry = registry;
        _time = time;
    }

    /// <summary>The connection pool, for migrations and health checks.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Applies the pending migrations (creating every table on an empty database).</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => PostgresMigrations.UpAsync(_dataSource, cancellationToken);

    /// <inheritdoc/>
    public Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        GuardAsync(() => GetCoreAsync(entity, id, cancellationToken));

    private async Task<JsonObject?> GetCoreAsync(string entity, string id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await QueryBodyAsync(connection, "SELECT body FROM entities WHERE entity = $1 AND id = $2", [entity, id], cancellationToken);
    }

    /// <inheritdoc/>
    public Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default) =>
        GuardAsync(() => GetByFieldCoreAsync(entity, field, value, cancellationToken));

    private async Task<JsonObject?> GetByFieldCoreAsync(string entity, string field, string value, CancellationToken cancellationToken)
    {
        var schema = _registry.Get(entity);
        if (field == "id")
        {
            return await GetAsync(entity, value, cancellationToken);
        }

        var definition = schema[field] ?? throw new ArgumentException($"'{entity}' has no field '{field}'", nameof(field));
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (definition.Unique)
        {
            return await QueryBodyAsync(
                connection,
                """
                SELECT e.body FROM unique_keys u JOIN entities e ON e.entity = u.entity AND e.id = u.id
                WHERE u.entity = $1 AND u."key" = $2 AND u.value = $3
                """,
                [entity, field, value],
                cancellationToken);
        }

        // An endpoint key that is not unique on its own (a target's "target"): the first match by id.
        return await QueryBodyAsync(
            connection,
            "SELECT body FROM entities WHERE entity = $1 AND (body::jsonb ->> $2) = $3 ORDER BY id LIMIT 1",
            [entity, field, value],
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default) =>
        GuardAsync(() => ListCoreAsync(entity, query, cancellationToken));

    private async Task<StorePage> ListCoreAsync(string entity, ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Size, 1);
        var after = query.Offset is null ? null : PageOffset.DecodeId(query.Offset);
        var schema = _registry.Get(entity);
        var sql = new StringBuilder("SELECT id, body FROM entities e WHERE e.entity = $1");
        var values = new List<object?> { entity };
        if (after is not null)
        {
            sql.Append(" AND e.id > ").Append(Parameter(values, after));
        }

        if (query.ForeignField is { } foreignField)
        {
            if (schema[foreignField] is not { Type: FieldType.Foreign } || query.ForeignId is null)
            {
                throw new ArgumentException($"'{foreignField}' is not a foreign field of '{entity}', or no id was given", nameof(query));
            }

            sql.Append(" AND EXISTS (SELECT 1 FROM refs r WHERE r.entity = e.entity AND r.id = e.id AND r.field = ")
                .Append(Parameter(values, foreignField))
                .Append(" AND r.ref_id = ").Append(Parameter(values, query.ForeignId)).Append(')');
        }

        if (query.Tags is { Tags.Count: > 0 } filter)
        {
            var tags = filter.Tags.Distinct(StringComparer.Ordinal).ToArray();
            var list = Parameter(values, tags);
            sql.Append(filter.MatchAll
                ? $" AND (SELECT COUNT(*) FROM tags t WHERE t.entity = e.entity AND t.id = e.id AND t.tag = ANY({list})) = {Parameter(values, (long)tags.Length)}"
                : $" AND EXISTS (SELECT 1 FROM tags t WHERE t.entity = e.entity AND t.id = e.id AND t.tag = ANY({list}))");
        }

        // One row more than asked tells whether another page follows.
        sql.Append(" ORDER BY e.id LIMIT ").Append(Parameter(values, query.Size + 1));

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = PostgresCommands.Create(connection, null, sql.ToString(), [.. values]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var data = new List<JsonObject>(Math.Min(query.Size, 1000));
        string? lastId = null;
        var more = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (data.Count == query.Size)
            {
                more = true;
                break;
            }

            lastId = reader.GetString(0);
            data.Add(ParseBody(reader.GetString(1)));
        }

        return new StorePage(data, more ? PageOffset.Encode(lastId!) : null);
    }

    /// <inheritdoc/>
    public Task InsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default)
    {
        var schema = _registry.Get(entity);
        var id = EntityKeys.Id(row);
        return WriteAsync(
            async write =>
            {
                if (await write.ExistsAsync(entity, id, cancellationToken))
                {
                    throw new PrimaryKeyViolationException(entity, id);
                }

                await write.PutAsync(schema, id, row, exists: false, cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> UpdateAsync(string entity, JsonObject row, CancellationToken cancellationToken = default)
    {
        var schema = _registry.Get(entity);
        var id = EntityKeys.Id(row);
        return WriteAsync(
            async write =>
            {
                if (!await write.ExistsAsync(entity, id, cancellationToken))
                {
                    return false;
                }

                await write.PutAsync(schema, id, row, exists: true, cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task UpsertAsync(string entity, JsonObject row, CancellationToken cancellationToken = default)
    {
        var schema = _registry.Get(entity);
        var id = EntityKeys.Id(row);
        return WriteAsync(
            async write =>
            {
                await write.PutAsync(schema, id, row, await write.ExistsAsync(entity, id, cancellationToken), cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string entity, string id, CancellationToken cancellationToken = default)
    {
        _registry.Get(entity);
        return WriteAsync(
            async write =>
            {
                if (!await write.ExistsAsync(entity, id, cancellationToken))
                {
                    return false;
                }

                await write.DeleteAsync(entity, id, cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<long> GetVersionAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(() => GetVersionCoreAsync(cancellationToken));

    private async Task<long> GetVersionCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = PostgresCommands.Create(connection, null, "SELECT version FROM config_version WHERE singleton = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default) =>
        GuardAsync(() => GetChangesSinceCoreAsync(version, cancellationToken));

    private async Task<IReadOnlyList<ConfigChange>> GetChangesSinceCoreAsync(long version, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = PostgresCommands.Create(
            connection, null, "SELECT version, entity, id, kind, at FROM change_log WHERE version > $1 ORDER BY seq", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<ConfigChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var kind = reader.GetString(3) == "delete" ? ChangeKind.Delete : ChangeKind.Upsert;
            changes.Add(new ConfigChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), kind, reader.GetInt64(4)));
        }

        return changes;
    }

    /// <inheritdoc/>
    public Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default) =>
        GuardAsync(() => ListTagsCoreAsync(tag, size, offset, cancellationToken));

    private async Task<TagPage> ListTagsCoreAsync(string? tag, int size, string? offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var after = offset is null ? null : PageOffset.DecodeKey(offset, 3);
        var sql = new StringBuilder("SELECT tag, entity, id FROM tags WHERE TRUE");
        var values = new List<object?>();
        if (tag is not null)
        {
            sql.Append(" AND tag = ").Append(Parameter(values, tag));
        }

        if (after is not null)
        {
            sql.Append($" AND (tag, entity, id) > ({Parameter(values, after[0])}, {Parameter(values, after[1])}, {Parameter(values, after[2])})");
        }

        sql.Append(" ORDER BY tag, entity, id LIMIT ").Append(Parameter(values, size + 1));

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = PostgresCommands.Create(connection, null, sql.ToString(), [.. values]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var data = new List<TagRow>(Math.Min(size, 1000));
        var more = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (data.Count == size)
            {
                more = true;
                break;
            }

            data.Add(new TagRow(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        var last = data.Count > 0 ? data[^1] : null;
        return new TagPage(data, more ? PageOffset.Encode([last!.Tag, last.EntityName, last.EntityId]) : null);
    }

    /// <inheritdoc/>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = PostgresCommands.Create(connection, null, "SELECT version FROM config_version");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            _dataSource.Clear();
            return false;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private Task<T> WriteAsync<T>(Func<PostgresWrite, Task<T>> work, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var write = await PostgresWrite.BeginAsync(_dataSource, _registry, cancellationToken);
            var result = await work(write);
            await write.CommitAsync(_time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
            return result;
        });

    /// <summary>
    /// Runs a database call; when the connection failed (the server restarted, say), empties the pool
    /// before rethrowing, so that the next call opens fresh connections instead of meeting the other
    /// idle ones the server has also closed.
    /// </summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (NpgsqlException e) when (IsConnectionFailure(e))
        {
            _dataSource.Clear();
            throw;
        }
    }

    /// <summary>Connection-level failures: anything but a PostgreSQL error outside classes 08 and 57P.</summary>
    private static bool IsConnectionFailure(NpgsqlException e) =>
        e is not PostgresException pg || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal);

    private static async Task<JsonObject?> QueryBodyAsync(NpgsqlConnection connection, string sql, object?[] values, CancellationToken cancellationToken)
    {
        await using var command = PostgresCommands.Create(connection, null, sql, values);
        return await command.ExecuteScalarAsync(cancellationToken) is string body ? ParseBody(body) : null;
    }

    private static JsonObject ParseBody(string body) => JsonNode.Parse(body)!.AsObject();

    /// <summary>Adds a value and returns its positional parameter.</summary>
    private static string Parameter(List<object?> values, object? value)
    {
        values.Add(value);
        return "$" + values.Count;
    }
}
