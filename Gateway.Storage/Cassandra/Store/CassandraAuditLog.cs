using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// The audit log on Cassandra (<see cref="CassandraAuditTables"/>). Appends hold the write lease, as config writes do,
/// which gives the chain one order for every node; a write's object records go in the logged batch that applies the
/// write itself (<see cref="CassandraWrite"/>), and request records in a logged batch with the head's move, so records
/// and the head never part. The head is read at cassandra_consistency: one order across replicas needs reads and writes
/// that overlap (QUORUM or LOCAL_QUORUM, or a single node), as the config version's own reads do.
/// </summary>
internal sealed class CassandraAuditLog(CassandraSession session, AuditPolicy policy) : IAuditLog
{
    private const int ScanPage = 500;

    /// <summary>What the log records and how.</summary>
    public AuditPolicy Policy => policy;

    private string Ks => session.Keyspace;

    /// <inheritdoc/>
    public async Task AppendAsync(IReadOnlyList<AuditDraft> drafts, CancellationToken cancellationToken = default)
    {
        if (drafts.Count == 0)
        {
            return;
        }

        await using var lease = await CassandraLease.TakeAsync(session, cancellationToken);
        var entries = AuditChain.Seal(drafts, await GetHeadAsync(cancellationToken), policy.Signer);
        await session.LoggedBatchAsync(Statements(entries), cancellationToken);
        await lease.ReleaseAsync(cancellationToken);
        Committed(entries);
    }

    /// <summary>The inserts of <paramref name="entries"/> and the head's move to the last of them, for a logged batch; none for no entries.</summary>
    public List<(string Cql, IReadOnlyList<object?> Values)> Statements(IReadOnlyList<AuditEntry> entries)
    {
        var statements = new List<(string, IReadOnlyList<object?>)>(entries.Count + 1);
        if (entries.Count == 0)
        {
            return statements;
        }

        var expiresAt = policy.Time.GetUtcNow().ToUnixTimeSeconds() + policy.RecordTtl;
        foreach (var entry in entries)
        {
            statements.Add((
                $"INSERT INTO {Ks}.{AuditColumns.TableName(entry.Table)} (bucket, sequence, expires_at, record) VALUES (?, ?, ?, ?)",
                [CassandraAuditTables.Bucket(entry.Sequence), entry.Sequence, expiresAt, entry.ToJson()]));
        }

        var head = entries[^1];
        statements.Add(($"UPDATE {Ks}.audit_chain SET head_sequence = ?, head_hash = ? WHERE singleton = 1", [head.Sequence, (string)head.Record["hash"]!]));
        return statements;
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
    public async Task<AuditPage> ListAsync(AuditTable table, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Size, 1);
        var filters = query.Fields.Select(f => AuditColumns.Filters(table).Contains(f.Key)
            ? f
            : throw new ArgumentException($"'{AuditColumns.TableName(table)}' cannot be filtered on '{f.Key}'", nameof(query))).ToList();
        var (head, anchor) = await ChainRowAsync(cancellationToken);
        var below = query.Offset is { } offset ? DecodeOffset(offset) : head.Sequence + 1;
        var now = policy.Time.GetUtcNow().ToUnixTimeSeconds();
        var page = new List<JsonObject>(query.Size);
        long last = 0;

        // Newest first: partitions from the one below the offset down to the anchor's, each newest first.
        for (var bucket = CassandraAuditTables.Bucket(below - 1); bucket >= CassandraAuditTables.Bucket(anchor.Sequence); bucket--)
        {
            await foreach (var (sequence, expiresAt, record) in ScanAsync(table, bucket, below, descending: true, cancellationToken))
            {
                if (!Matches(record, filters, query))
                {
                    continue;
                }

                if (page.Count == query.Size)
                {
                    return new AuditPage(page, PageOffset.Encode(last.ToString(CultureInfo.InvariantCulture)));
                }

                record["ttl"] = Math.Max(0, expiresAt - now);
                page.Add(record);
                last = sequence;
            }
        }

        return new AuditPage(page, null);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> ReadChainAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        var (head, _) = await ChainRowAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        for (var bucket = CassandraAuditTables.Bucket(afterSequence + 1); bucket <= CassandraAuditTables.Bucket(head.Sequence) && entries.Count < limit; bucket++)
        {
            // A partition's sequences all come before the next one's, so merging the two tables partition by partition keeps the order.
            var merged = new List<AuditEntry>();
            foreach (var table in new[] { AuditTable.Requests, AuditTable.Objects })
            {
                var taken = 0;
                await foreach (var (sequence, _, record) in ScanAsync(table, bucket, afterSequence, descending: false, cancellationToken))
                {
                    merged.Add(new AuditEntry(table, sequence, record));
                    if (++taken == limit - entries.Count)
                    {
                        break;
                    }
                }
            }

            entries.AddRange(merged.OrderBy(e => e.Sequence).Take(limit - entries.Count));
        }

        return entries;
    }

    /// <inheritdoc/>
    public async Task<AuditAnchor> GetHeadAsync(CancellationToken cancellationToken = default) => (await ChainRowAsync(cancellationToken)).Head;

    /// <inheritdoc/>
    public async Task<AuditAnchor> GetAnchorAsync(CancellationToken cancellationToken = default) => (await ChainRowAsync(cancellationToken)).Anchor;

    /// <inheritdoc/>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        await using var lease = await CassandraLease.TakeAsync(session, cancellationToken);
        var now = policy.Time.GetUtcNow().ToUnixTimeSeconds();
        var (head, anchor) = await ChainRowAsync(cancellationToken);

        // The chain is purged from its start only, up to the first record still alive, so what is kept stays one unbroken run.
        var gone = await ExpiredRunAsync(anchor.Sequence, head.Sequence, now, cancellationToken);
        if (gone.Count == 0)
        {
            return 0;
        }

        var lastGone = gone[^1];
        var firstKept = lastGone.Sequence + 1;
        var statements = new List<(string, IReadOnlyList<object?>)>();
        for (var bucket = CassandraAuditTables.Bucket(anchor.Sequence); bucket <= CassandraAuditTables.Bucket(lastGone.Sequence); bucket++)
        {
            foreach (var table in new[] { "audit_requests", "audit_objects" })
            {
                statements.Add(bucket < CassandraAuditTables.Bucket(firstKept)
                    ? ($"DELETE FROM {Ks}.{table} WHERE bucket = ?", [bucket])
                    : ($"DELETE FROM {Ks}.{table} WHERE bucket = ? AND sequence < ?", [bucket, firstKept]));
            }
        }

        statements.Add((
            $"UPDATE {Ks}.audit_chain SET anchor_sequence = ?, anchor_hash = ? WHERE singleton = 1",
            [lastGone.Sequence, (string?)lastGone.Record["hash"] ?? ""]));
        await session.LoggedBatchAsync(statements, cancellationToken);
        await lease.ReleaseAsync(cancellationToken);
        return gone.Count;
    }

    /// <summary>The records after <paramref name="anchor"/>, in order, up to the first one alive at <paramref name="now"/>.</summary>
    private async Task<List<AuditEntry>> ExpiredRunAsync(long anchor, long head, long now, CancellationToken cancellationToken)
    {
        var expired = new List<AuditEntry>();
        for (var after = anchor; after < head;)
        {
            var next = await ReadChainWithExpiryAsync(after, cancellationToken);
            if (next.Count == 0)
            {
                break;
            }

            foreach (var (entry, expiresAt) in next)
            {
                if (expiresAt > now)
                {
                    return expired;
                }

                expired.Add(entry);
            }

            after = next[^1].Entry.Sequence;
        }

        return expired;
    }

    /// <summary>Up to a page of records after <paramref name="afterSequence"/> from both tables, in order, with their expiry.</summary>
    private async Task<List<(AuditEntry Entry, long ExpiresAt)>> ReadChainWithExpiryAsync(long afterSequence, CancellationToken cancellationToken)
    {
        var bucket = CassandraAuditTables.Bucket(afterSequence + 1);
        var merged = new List<(AuditEntry, long)>();
        foreach (var table in new[] { AuditTable.Requests, AuditTable.Objects })
        {
            await foreach (var (sequence, expiresAt, record) in ScanAsync(table, bucket, afterSequence, descending: false, cancellationToken))
            {
                merged.Add((new AuditEntry(table, sequence, record), expiresAt));
            }
        }

        if (merged.Count == 0)
        {
            // An empty partition between purged and kept records (a purge that stopped at its edge): look in the next.
            var (head, _) = await ChainRowAsync(cancellationToken);
            return bucket < CassandraAuditTables.Bucket(head.Sequence)
                ? await ReadChainWithExpiryAsync((bucket + 1) * CassandraAuditTables.BucketSize - 1, cancellationToken)
                : merged;
        }

        return [.. merged.OrderBy(e => e.Item1.Sequence)];
    }

    /// <summary>
    /// One table's records in <paramref name="bucket"/>, newest first below <paramref name="bound"/> when
    /// <paramref name="descending"/>, else oldest first above it; fetched <see cref="ScanPage"/> at a time.
    /// </summary>
    private async IAsyncEnumerable<(long Sequence, long ExpiresAt, JsonObject Record)> ScanAsync(
        AuditTable table, long bucket, long bound, bool descending, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cql = $"SELECT sequence, expires_at, record FROM {Ks}.{AuditColumns.TableName(table)} WHERE bucket = ? AND sequence "
            + (descending ? "< ? ORDER BY sequence DESC" : "> ? ORDER BY sequence ASC") + $" LIMIT {ScanPage}";
        var cursor = bound;
        while (true)
        {
            var rows = await session.RowsAsync(cql, [bucket, cursor], cancellationToken);
            foreach (var row in rows.Rows)
            {
                cursor = (long)row[0]!;
                yield return (cursor, (long)row[1]!, JsonNode.Parse((string)row[2]!)!.AsObject());
            }

            if (rows.Rows.Count < ScanPage)
            {
                yield break;
            }
        }
    }

    private async Task<(AuditAnchor Head, AuditAnchor Anchor)> ChainRowAsync(CancellationToken cancellationToken)
    {
        var rows = await session.RowsAsync($"SELECT head_sequence, head_hash, anchor_sequence, anchor_hash FROM {Ks}.audit_chain WHERE singleton = 1", [], cancellationToken);
        if (rows.Rows.Count == 0)
        {
            return (new AuditAnchor(0, ""), new AuditAnchor(0, ""));
        }

        var row = rows.Rows[0];
        return (new AuditAnchor((long)row[0]!, (string?)row[1] ?? ""), new AuditAnchor((long)row[2]!, (string?)row[3] ?? ""));
    }

    /// <summary>Whether the record passes the query's field and time filters, compared as the relational stores' columns are.</summary>
    private static bool Matches(JsonObject record, List<KeyValuePair<string, string>> filters, AuditQuery query)
    {
        foreach (var (field, value) in filters)
        {
            var actual = record[field] is JsonValue stored ? stored.ToString() : null;
            var matches = AuditColumns.IsInteger(field)
                ? long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    && number == long.Parse(value, CultureInfo.InvariantCulture)
                : actual == value;
            if (!matches)
            {
                return false;
            }
        }

        var timestamp = record["request_timestamp"] is JsonValue time && time.TryGetValue<long>(out var seconds) ? seconds : (long?)null;
        return (query.Before is not { } before || timestamp < before) && (query.AtOrAfter is not { } after || timestamp >= after);
    }

    private static long DecodeOffset(string offset) =>
        long.TryParse(PageOffset.DecodeId(offset), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw new InvalidOffsetException(offset, "bad base64 encoding");
}
