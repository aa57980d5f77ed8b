using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;

namespace Gateway.Storage.Relational;

/// <summary>
/// The audit log in a relational store's database: tables <c>audit_requests</c> and <c>audit_objects</c>, and the chain's
/// head and anchor in <c>audit_chain</c>. Records are appended under the store's write lock (for object records, inside
/// the write's own transaction), which is what gives the chain one order for every node sharing the database.
/// </summary>
internal sealed class RelationalAuditLog(IRelationalDialect dialect, RelationalConfigStore store, AuditPolicy policy) : IAuditLog
{
    /// <summary>What the log records and how.</summary>
    public AuditPolicy Policy => policy;

    /// <inheritdoc/>
    public Task AppendAsync(IReadOnlyList<AuditDraft> drafts, CancellationToken cancellationToken = default) =>
        store.GuardAsync(async () =>
        {
            await using var transaction = await dialect.BeginWriteAsync(cancellationToken);
            var entries = await AppendAsync(transaction, drafts, cancellationToken);
            await transaction.Transaction.CommitAsync(cancellationToken);
            Committed(entries);
            return entries.Count;
        });

    /// <summary>Chains, signs and inserts the drafts in <paramref name="transaction"/> (the caller commits); returns them as stored.</summary>
    public async Task<List<AuditEntry>> AppendAsync(RelationalTransaction transaction, IReadOnlyList<AuditDraft> drafts, CancellationToken cancellationToken)
    {
        if (drafts.Count == 0)
        {
            return [];
        }

        var (sequence, hash) = await ChainRowAsync(transaction.Connection, transaction.Transaction, "head", cancellationToken);
        var entries = Chain(drafts, new AuditAnchor(sequence, hash));
        var query = new RelationalQuery(dialect);
        var statements = new List<string>();
        AddStatements(query, statements, entries);
        await using var command = query.AppendText(dialect.Together(statements)).Command(transaction.Connection, transaction.Transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return entries;
    }

    /// <summary>The drafts as the records that follow <paramref name="head"/>, under this log's policy (see <see cref="AuditChain.Seal"/>).</summary>
    public List<AuditEntry> Chain(IReadOnlyList<AuditDraft> drafts, AuditAnchor head) => AuditChain.Seal(drafts, head, policy.Signer);

    /// <summary>
    /// Adds to <paramref name="statements"/> (values in <paramref name="query"/>) one multi-row insert per table and the
    /// head's update, so that, run <see cref="IRelationalDialect.Together"/>, they cost one round trip; nothing for no entries.
    /// </summary>
    public void AddStatements(RelationalQuery query, List<string> statements, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var expiresAt = policy.Time.GetUtcNow().ToUnixTimeSeconds() + policy.RecordTtl;
        foreach (var table in new[] { AuditTable.Requests, AuditTable.Objects })
        {
            if (entries.Where(e => e.Table == table).ToList() is { Count: > 0 } rows)
            {
                statements.Add(Insert(query, table, rows, expiresAt));
            }
        }

        var head = entries[^1];
        statements.Add(query.Format($"UPDATE audit_chain SET head_sequence = {head.Sequence}, head_hash = {(string)head.Record["hash"]!} WHERE singleton = 1"));
    }

    /// <summary>Hands committed records to the sink.</summary>
    public void Committed(IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count > 0)
        {
            policy.Sink?.Written(entries);
        }
    }

    /// <inheritdoc/>
    public Task<AuditPage> ListAsync(AuditTable table, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Size, 1);
        var sql = Query($"SELECT sequence, expires_at, record FROM ").AppendText(AuditColumns.TableName(table)).Append($" WHERE 1 = 1");
        foreach (var (field, value) in query.Fields)
        {
            if (!AuditColumns.Filters(table).Contains(field))
            {
                throw new ArgumentException($"'{AuditColumns.TableName(table)}' cannot be filtered on '{field}'", nameof(query));
            }

            sql.AppendText($" AND {field} = ").AppendText(sql.Parameter(AuditColumns.IsInteger(field) ? long.Parse(value, CultureInfo.InvariantCulture) : value));
        }

        if (query.Before is { } before)
        {
            sql.Append($" AND request_timestamp < {before}");
        }

        if (query.AtOrAfter is { } after)
        {
            sql.Append($" AND request_timestamp >= {after}");
        }

        if (query.Offset is { } offset)
        {
            sql.Append($" AND sequence < {DecodeOffset(offset)}");
        }

        sql.Append($" ORDER BY sequence DESC LIMIT {query.Size + 1}");
        return store.GuardAsync(async () =>
        {
            var now = policy.Time.GetUtcNow().ToUnixTimeSeconds();
            await using var connection = await dialect.OpenAsync(cancellationToken);
            await using var command = sql.Command(connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<(long Sequence, JsonObject Record)>();
            while (await reader.ReadAsync(cancellationToken) && rows.Count <= query.Size)
            {
                var record = Parse(reader.GetString(2));
                record["ttl"] = Math.Max(0, reader.GetInt64(1) - now);
                rows.Add((reader.GetInt64(0), record));
            }

            var more = rows.Count > query.Size;
            var page = rows.Take(query.Size).ToList();
            return new AuditPage([.. page.Select(r => r.Record)], more ? PageOffset.Encode(page[^1].Sequence.ToString(CultureInfo.InvariantCulture)) : null);
        });
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AuditEntry>> ReadChainAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        store.GuardAsync<IReadOnlyList<AuditEntry>>(async () =>
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            await using var command = Query($"""
                SELECT 0, sequence, record FROM audit_requests WHERE sequence > {afterSequence}
                UNION ALL SELECT 1, sequence, record FROM audit_objects WHERE sequence > {afterSequence}
                ORDER BY 2 LIMIT {limit}
                """).Command(connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var entries = new List<AuditEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture) == 0 ? AuditTable.Requests : AuditTable.Objects;
                entries.Add(new AuditEntry(table, reader.GetInt64(1), Parse(reader.GetString(2))));
            }

            return entries;
        });

    /// <inheritdoc/>
    public Task<AuditAnchor> GetHeadAsync(CancellationToken cancellationToken = default) => ReadChainRowAsync("head", cancellationToken);

    /// <inheritdoc/>
    public Task<AuditAnchor> GetAnchorAsync(CancellationToken cancellationToken = default) => ReadChainRowAsync("anchor", cancellationToken);

    /// <inheritdoc/>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default) =>
        store.GuardAsync(async () =>
        {
            var now = policy.Time.GetUtcNow().ToUnixTimeSeconds();
            await using var transaction = await dialect.BeginWriteAsync(cancellationToken);
            var (connection, inTransaction) = (transaction.Connection, transaction.Transaction);

            // The chain is purged from its start only, up to the first record still alive, so what is kept stays one unbroken run.
            var firstAlive = await ScalarAsync(connection, inTransaction, $"""
                SELECT MIN(sequence) FROM (
                    SELECT sequence FROM audit_requests WHERE expires_at > {now}
                    UNION ALL SELECT sequence FROM audit_objects WHERE expires_at > {now}) alive
                """, cancellationToken) is { } alive and not DBNull
                ? Convert.ToInt64(alive, CultureInfo.InvariantCulture)
                : long.MaxValue;
            var lastGone = await ScalarAsync(connection, inTransaction, $"""
                SELECT record FROM (
                    SELECT sequence, record FROM audit_requests WHERE sequence < {firstAlive}
                    UNION ALL SELECT sequence, record FROM audit_objects WHERE sequence < {firstAlive}) gone
                ORDER BY sequence DESC LIMIT 1
                """, cancellationToken) as string;
            if (lastGone is null)
            {
                return 0;
            }

            var anchor = Parse(lastGone);
            var removed = await ExecuteAsync(transaction, $"DELETE FROM audit_requests WHERE sequence < {firstAlive}", cancellationToken)
                + await ExecuteAsync(transaction, $"DELETE FROM audit_objects WHERE sequence < {firstAlive}", cancellationToken);
            await ExecuteAsync(
                transaction,
                $"UPDATE audit_chain SET anchor_sequence = {Integer(anchor, "sequence")}, anchor_hash = {Text(anchor, "hash")} WHERE singleton = 1",
                cancellationToken);
            await inTransaction.CommitAsync(cancellationToken);
            return removed;
        });

    private static JsonObject Parse(string record) => JsonNode.Parse(record)!.AsObject();

    private static long DecodeOffset(string offset) =>
        long.TryParse(PageOffset.DecodeId(offset), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw new InvalidOffsetException(offset, "bad base64 encoding");

    private static string? Text(JsonObject record, string field) => record[field] is JsonValue value ? value.ToString() : null;

    private static long? Integer(JsonObject record, string field) =>
        record[field] is JsonValue value && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private RelationalQuery Query(FormattableString sql) => RelationalQuery.Of(dialect, sql);

    /// <summary>The insert of <paramref name="rows"/> into <paramref name="table"/>, its values added to <paramref name="query"/>.</summary>
    private static string Insert(RelationalQuery query, AuditTable table, IReadOnlyList<AuditEntry> rows, long expiresAt)
    {
        var values = rows.Select(row =>
        {
            var (record, sequence, text) = (row.Record, row.Sequence, row.ToJson());
            var (requestId, timestamp) = (Text(record, "request_id"), Integer(record, "request_timestamp"));
            return table == AuditTable.Requests
                ? query.Format($"""
                    ({sequence}, {requestId}, {timestamp}, {Text(record, "method")}, {Integer(record, "status")}, {Text(record, "rbac_user_name")},
                     {Text(record, "rbac_user_id")}, {Text(record, "client_ip")}, {Text(record, "request_source")}, {expiresAt}, {text})
                    """)
                : query.Format($"""
                    ({sequence}, {Text(record, "id")}, {requestId}, {timestamp}, {Text(record, "dao_name")}, {Text(record, "entity_key")},
                     {Text(record, "operation")}, {Text(record, "rbac_user_id")}, {expiresAt}, {text})
                    """);
        });
        var columns = table == AuditTable.Requests
            ? "audit_requests (sequence, request_id, request_timestamp, method, status, rbac_user_name, rbac_user_id, client_ip, request_source, expires_at, record)"
            : "audit_objects (sequence, id, request_id, request_timestamp, dao_name, entity_key, operation, rbac_user_id, expires_at, record)";
        return $"INSERT INTO {columns} VALUES {string.Join(", ", values)}";
    }

    private Task<AuditAnchor> ReadChainRowAsync(string which, CancellationToken cancellationToken) =>
        store.GuardAsync(async () =>
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            var (sequence, hash) = await ChainRowAsync(connection, null, which, cancellationToken);
            return new AuditAnchor(sequence, hash);
        });

    /// <summary>The chain's head or anchor row (<paramref name="which"/> is one of the two column prefixes, never input).</summary>
    private async Task<(long Sequence, string Hash)> ChainRowAsync(DbConnection connection, DbTransaction? transaction, string which, CancellationToken cancellationToken)
    {
        await using var command = Query($"SELECT ").AppendText($"{which}_sequence, {which}_hash").Append($" FROM audit_chain WHERE singleton = 1")
            .Command(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, "");
    }

    private async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, FormattableString sql, CancellationToken cancellationToken)
    {
        await using var command = Query(sql).Command(connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<int> ExecuteAsync(RelationalTransaction transaction, FormattableString sql, CancellationToken cancellationToken)
    {
        await using var command = Query(sql).Command(transaction.Connection, transaction.Transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
