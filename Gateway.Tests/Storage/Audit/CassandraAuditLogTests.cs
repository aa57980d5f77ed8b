using System.Text.RegularExpressions;
using Gateway.Schema;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;
using Gateway.Storage.Store;
using Gateway.Tests.Storage.Cassandra;
using Gateway.Tests.Support;

namespace Gateway.Tests.Storage.Audit;

/// <summary>
/// The audit log contract on <see cref="CassandraConfigStore"/>, against the real Cassandra that
/// CASSANDRA_CONTACT_POINTS names, each contract test in a throw-away keyspace (run by <see cref="ContractRunner"/>).
/// </summary>
public sealed partial class CassandraAuditLogTests
{
    [CassandraFact]
    public Task ContractSuite_PassesOnCassandra() => ContractRunner.RunAsync(() => new Suite(), atLeast: 16);

    /// <summary>
    /// The contract, with its tampering (written as SQL for the relational stores) done the same way in CQL: a record's
    /// text edited, a record deleted, or a record moved to another sequence.
    /// </summary>
    private sealed partial class Suite : AuditLogContractTests
    {
        private CassandraSettings? _settings;

        protected override Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time)
        {
            _settings = CassandraStoreContractTests.Settings();
            return Task.FromResult<IConfigStore>(new CassandraConfigStore(_settings, registry, time));
        }

        protected override async Task ExecuteAsync(string sql)
        {
            await using var cluster = new CqlCluster(_settings!.ClientOptions());
            var keyspace = CassandraKeyspace.Quote(_settings.Keyspace);
            if (Replace().Match(sql) is { Success: true } edit)
            {
                var table = $"{keyspace}.{edit.Groups["table"].Value}";
                foreach (var (bucket, sequence, record) in await RowsAsync(cluster, table))
                {
                    if (!edit.Groups["sequence"].Success || sequence == long.Parse(edit.Groups["sequence"].Value))
                    {
                        await cluster.ExecuteAsync(
                            $"UPDATE {table} SET record = ? WHERE bucket = ? AND sequence = ?",
                            [record.Replace(edit.Groups["from"].Value.Replace("''", "'"), edit.Groups["to"].Value.Replace("''", "'")), bucket, sequence]);
                    }
                }
            }
            else if (Delete().Match(sql) is { Success: true } delete)
            {
                var sequence = long.Parse(delete.Groups["sequence"].Value);
                await cluster.ExecuteAsync(
                    $"DELETE FROM {keyspace}.{delete.Groups["table"].Value} WHERE bucket = ? AND sequence = ?", [CassandraAuditTables.Bucket(sequence), sequence]);
            }
            else if (Move().Match(sql) is { Success: true } move)
            {
                var table = $"{keyspace}.{move.Groups["table"].Value}";
                var (from, to) = (long.Parse(move.Groups["from"].Value), long.Parse(move.Groups["to"].Value));
                var (_, _, record) = (await RowsAsync(cluster, table)).Single(r => r.Sequence == from);
                var expiresAt = (long)((CqlRowsResult)await cluster.ExecuteAsync(
                    $"SELECT expires_at FROM {table} WHERE bucket = ? AND sequence = ?", [CassandraAuditTables.Bucket(from), from])).Rows[0][0]!;
                await cluster.ExecuteAsync(
                    $"INSERT INTO {table} (bucket, sequence, expires_at, record) VALUES (?, ?, ?, ?)", [CassandraAuditTables.Bucket(to), to, expiresAt, record]);
                await cluster.ExecuteAsync($"DELETE FROM {table} WHERE bucket = ? AND sequence = ?", [CassandraAuditTables.Bucket(from), from]);
            }
            else
            {
                throw new ArgumentException($"no CQL for the tampering: {sql}", nameof(sql));
            }
        }

        protected override Task CleanUpAsync() => _settings is null ? Task.CompletedTask : CassandraStoreContractTests.DropKeyspaceAsync(_settings);

        private static async Task<List<(long Bucket, long Sequence, string Record)>> RowsAsync(CqlCluster cluster, string table) =>
            [.. (await cluster.ExecuteAllPagesAsync($"SELECT bucket, sequence, record FROM {table}")).Select(r => ((long)r[0]!, (long)r[1]!, (string)r[2]!))];

        [GeneratedRegex(@"^UPDATE (?<table>audit_\w+) SET record = replace\(record, '(?<from>(?:[^']|'')*)', '(?<to>(?:[^']|'')*)'\)(?: WHERE sequence = (?<sequence>-?\d+))?$")]
        private static partial Regex Replace();

        [GeneratedRegex(@"^DELETE FROM (?<table>audit_\w+) WHERE sequence = (?<sequence>-?\d+)$")]
        private static partial Regex Delete();

        [GeneratedRegex(@"^UPDATE (?<table>audit_\w+) SET sequence = (?<to>-?\d+) WHERE sequence = (?<from>-?\d+)$")]
        private static partial Regex Move();
    }
}
