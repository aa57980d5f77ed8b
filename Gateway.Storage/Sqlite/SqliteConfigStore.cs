using System.Text;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Store;
using Microsoft.Data.Sqlite;

namespace Gateway.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode. Writes go one at a time through a
/// single long-lived connection (SQLite has one writer anyway, and this keeps writers of this
/// process from spinning on the file lock); reads take pooled connections of their own and see the
/// last committed state.
/// </summary>
public sealed class SqliteConfigStore : IConfigStore
{
    private readonly string _connectionString;
    private readonly SchemaRegistry _registry;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    /// <summary>A store on the database file at <paramref name="databasePath"/>, created when missing.</summary>
    public SqliteConfigStore(string databasePath, SchemaRegistry registry, TimeProvider time)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,

            // Seconds a command retries while another process holds the write lock.
            DefaultTimeout = 30,
        }.ToString();
        _registry = registry;
        _time = time;
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();

            // WAL is a property of the file: readers no longer block the writer, nor it them.
            using (var wal = SqliteCommands.Create(connection, null, "PRAGMA journal_mode = WAL"))
            {
                wal.ExecuteNonQuery();
            }

            using var transaction = connection.BeginTransaction(deferred: false);
            using (var create = SqliteCommands.Create(connection, transaction, SqliteTables.Create))
            {
                create.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await QueryBodyAsync(connection, "SELECT body FROM entities WHERE entity = $p0 AND id = $p1", [entity, id], cancellationToken);
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
        await using var connection = await OpenAsync(cancellationToken);
        if (definition.Unique)
        {
            return await QueryBodyAsync(
                connection,
                """
                SELECT e.body FROM unique_keys u JOIN entities e ON e.entity = u.entity AND e.id = u.id
                WHERE u.entity = $p0 AND u."key" = $p1 AND u.value = $p2
                """,
                [entity, field, value],
                cancellationToken);
        }

        // An endpoint key that is not unique on its own (a target's "target"): the first match by id.
        return await QueryBodyAsync(
            connection,
            "SELECT body FROM entities WHERE entity = $p0 AND json_extract(body, $p1) = $p2 ORDER BY id LIMIT 1",
            [entity, "$.\"" + field + "\"", value],
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Size, 1);
        var after = query.Offset is null ? null : PageOffset.DecodeId(query.Offset);
        var schema = _registry.Get(entity);
        var sql = new StringBuilder("SELECT id, body FROM entities e WHERE e.entity = $p0");
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
            var tags = filter.Tags.Distinct(StringComparer.Ordinal).ToList();
            var list = string.Join(", ", tags.Select(t => Parameter(values, t)));
            sql.Append(filter.MatchAll
                ? $" AND (SELECT COUNT(*) FROM tags t WHERE t.entity = e.entity AND t.id = e.id AND t.tag IN ({list})) = {Parameter(values, tags.Count)}"
                : $" AND EXISTS (SELECT 1 FROM tags t WHERE t.entity = e.entity AND t.id = e.id AND t.tag IN ({list}))");
        }

        // One row more than asked tells whether another page follows.
        sql.Append(" ORDER BY e.id LIMIT ").Append(Parameter(values, query.Size + 1));

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection, null, sql.ToString(), [.. values]);
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
            write =>
            {
                if (write.Exists(entity, id))
                {
                    throw new PrimaryKeyViolationException(entity, id);
                }

                write.Put(schema, id, row, exists: false);
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
            write =>
            {
                if (!write.Exists(entity, id))
                {
                    return false;
                }

                write.Put(schema, id, row, exists: true);
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
            write =>
            {
                write.Put(schema, id, row, write.Exists(entity, id));
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string entity, string id, CancellationToken cancellationToken = default)
    {
        _registry.Get(entity);
        return WriteAsync(
            write =>
            {
                if (!write.Exists(entity, id))
                {
                    return false;
                }

                write.Delete(entity, id);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<long> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection, null, "SELECT version FROM config_version WHERE singleton = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = SqliteCommands.Create(
            connection, null, "SELECT version, entity, id, kind, at FROM change_log WHERE version > $p0 ORDER BY seq", version);
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
    public async Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var after = offset is null ? null : PageOffset.DecodeKey(offset, 3);
        var sql = new StringBuilder("SELECT tag, entity, id FROM tags WHERE 1 = 1");
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

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection, null, sql.ToString(), [.. values]);
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
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = SqliteCommands.Create(connection, null, "SELECT version FROM config_version");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
                _writer = null;
            }

            // Pooled read connections would keep the file open after the store is gone.
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteWrite, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var write = new SqliteWrite(Writer(), _registry);
            var result = work(write);
            write.Commit(_time.GetUtcNow().ToUnixTimeMilliseconds());
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The writer connection; call with the write lock held.</summary>
    private SqliteConnection Writer()
    {
        if (_writer is null)
        {
            // Not pooled: it lives as long as the store.
            var writer = new SqliteConnection(_connectionString + ";Pooling=False");
            writer.Open();

            // Another process may hold the write lock; wait for it rather than fail at once.
            using var busy = SqliteCommands.Create(writer, null, "PRAGMA busy_timeout = 30000");
            busy.ExecuteNonQuery();
            _writer = writer;
        }

        return _writer;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<JsonObject?> QueryBodyAsync(SqliteConnection connection, string sql, object?[] values, CancellationToken cancellationToken)
    {
        await using var command = SqliteCommands.Create(connection, null, sql, values);
        return await command.ExecuteScalarAsync(cancellationToken) is string body ? ParseBody(body) : null;
    }

    private static JsonObject ParseBody(string body) => JsonNode.Parse(body)!.AsObject();

    /// <summary>Adds a value and returns its parameter name.</summary>
    private static string Parameter(List<object?> values, object? value)
    {
        values.Add(value);
        return "$p" + (values.Count - 1);
    }
}
