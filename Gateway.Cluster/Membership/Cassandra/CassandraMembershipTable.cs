using System.Globalization;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Gateway.Cluster.Membership.Cassandra;

/// <summary>
/// Orleans' membership table on Cassandra, through the gateway's own CQL client. The table version is a static
/// column of the cluster's partition and its etag is the version number, so a compare-and-set on it
/// (<c>IF version = ?</c>) orders every insert and update; the row's own etag (a fresh uuid per write, untouched by
/// heartbeats) is checked in the same lightweight transaction, so of two silos writing from the same read, exactly
/// one wins and the other gets false, as Orleans' protocol requires.
/// </summary>
public sealed class CassandraMembershipTable : IMembershipTable, IAsyncDisposable, IDisposable
{
    private readonly CassandraSettings _settings;
    private readonly string _serviceId;
    private readonly string _clusterId;
    private readonly string _tableName;
    private readonly CqlCluster _cluster;
    private readonly CassandraMembershipStatements _cql;

    /// <summary>A table for the cluster <paramref name="cluster"/> names, in the keyspace <paramref name="options"/> names.</summary>
    public CassandraMembershipTable(IOptions<ClusterOptions> cluster, IOptions<CassandraClusteringOptions> options)
    {
        _settings = options.Value.Settings;
        _tableName = options.Value.TableName;
        _serviceId = cluster.Value.ServiceId;
        _clusterId = cluster.Value.ClusterId;
        _cluster = new CqlCluster(_settings.ClientOptions());
        _cql = new CassandraMembershipStatements(_settings.Keyspace, _tableName);
    }

    /// <inheritdoc/>
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <summary>
    /// Creates the keyspace (from cassandra_repl_strategy and its factors) and the table when missing, then version 0
    /// of this cluster's partition. A Cassandra that cannot be reached fails here, with one line naming it.
    /// </summary>
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        try
        {
            // Look before creating: concurrent CREATE ... IF NOT EXISTS from silos starting together can still race
            // into a schema disagreement, and most starts find everything in place.
            var keyspaces = await RowsAsync("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", [_settings.Keyspace], cancellationToken);
            if (keyspaces.Rows.Count == 0)
            {
                await _cluster.QueryAsync(CassandraKeyspace.CreateStatement(_settings), cancellationToken: cancellationToken);
            }

            var tables = await RowsAsync(
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?", [_settings.Keyspace, _tableName], cancellationToken);
            if (tables.Rows.Count == 0)
            {
                await _cluster.QueryAsync(_cql.CreateTable, cancellationToken: cancellationToken);
            }

            if (tryInitTableVersion)
            {
                await ConditionalAsync(_cql.InsertVersion, [_serviceId, _clusterId], cancellationToken);
            }
        }
        catch (Exception e) when (e is CqlException or ArgumentException)
        {
            // ArgumentException: replication settings CREATE KEYSPACE cannot express. Either way the node cannot join,
            // and start-up reports one line rather than a stack trace.
            throw new CassandraMembershipException(
                $"cluster_membership = cassandra: cannot set up the membership table {_settings.Keyspace}.{_tableName}: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <summary>Deletes the partition of <paramref name="clusterId"/> (in this service): its rows and its version.</summary>
    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) =>
        await _cluster.ExecuteAsync(_cql.DeletePartition, [_serviceId, clusterId], Plain(), cancellationToken);

    /// <inheritdoc/>
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <summary>
    /// Deletes the rows of dead silos last updated before <paramref name="beforeDate"/>, each only if its etag is still
    /// the one read (a silo being declared dead again meanwhile keeps its row), and stray heartbeat-only rows.
    /// </summary>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        var rows = await RowsAsync(_cql.ReadAll, [_serviceId, _clusterId], cancellationToken);
        foreach (var row in rows.Rows)
        {
            Func<string, object?> cell = name => row[rows.IndexOf(name)];
            if (cell("address") is null)
            {
                continue;
            }

            var key = Key(cell);
            if (cell("etag") is not string etag || MembershipRowCodec.ToEntry(cell) is not { } entry)
            {
                if (cell("i_am_alive_time") is not DateTimeOffset alive || alive < beforeDate)
                {
                    await _cluster.ExecuteAsync(_cql.DeleteStrayRow, [_serviceId, _clusterId, .. key], Plain(), cancellationToken);
                }

                continue;
            }

            if (entry.Status == SiloStatus.Dead && MembershipRowCodec.LastUpdate(entry) < beforeDate)
            {
                await ConditionalAsync(_cql.DeleteRow, [_serviceId, _clusterId, .. key, etag], cancellationToken);
            }
        }
    }

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    /// <summary>
    /// The silo's row and the table version. Read from the whole partition in one statement, so that both are from
    /// the same moment (a read of the row alone returns no version when the row is missing).
    /// </summary>
    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        var all = await ReadAllAsync(cancellationToken);
        return all.TryGet(key) is { } row ? new MembershipTableData(row, all.Version) : new MembershipTableData(all.Version);
    }

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    /// <summary>Every silo's row with its etag, and the table version, from one single-partition read.</summary>
    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
    {
        var rows = await RowsAsync(_cql.ReadAll, [_serviceId, _clusterId], cancellationToken);
        var version = rows.Rows.Count > 0 && rows.Rows[0][rows.IndexOf("version")] is int v ? v : 0;
        var members = new List<Tuple<MembershipEntry, string>>();
        foreach (var row in rows.Rows)
        {
            Func<string, object?> cell = name => row[rows.IndexOf(name)];
            if (cell("etag") is string etag && MembershipRowCodec.ToEntry(cell) is { } entry)
            {
                members.Add(Tuple.Create(entry, etag));
            }
        }

        return new MembershipTableData(members, new TableVersion(version, VersionEtag(version)));
    }

    /// <inheritdoc/>
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <summary>
    /// Adds the silo's row and moves the table to <paramref name="tableVersion"/>, only if the table is still at the
    /// version its etag names and the row does not exist; false otherwise.
    /// </summary>
    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        if (!TryParseVersionEtag(tableVersion.VersionEtag, out var expected))
        {
            return false;
        }

        return await ConditionalAsync(
            _cql.InsertRow,
            [tableVersion.Version, NewEtag(), .. MembershipRowCodec.EntryValues(entry), _serviceId, _clusterId, .. MembershipRowCodec.KeyValues(entry.SiloAddress), expected],
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <summary>
    /// Rewrites the silo's row and moves the table to <paramref name="tableVersion"/>, only if the table is still at
    /// the version its etag names and the row still has <paramref name="etag"/>; false otherwise (and for a missing row).
    /// </summary>
    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        if (!TryParseVersionEtag(tableVersion.VersionEtag, out var expected))
        {
            return false;
        }

        return await ConditionalAsync(
            _cql.UpdateRow,
            [tableVersion.Version, NewEtag(), .. MembershipRowCodec.EntryValues(entry), _serviceId, _clusterId, .. MembershipRowCodec.KeyValues(entry.SiloAddress), expected, etag],
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>
    /// Writes the heartbeat time only. A plain write, not a transaction (as Orleans' own provider does): the silo owns
    /// this cell, and leaving the version and etag alone keeps reads taken before the heartbeat valid for UpdateRow.
    /// </summary>
    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) =>
        await _cluster.ExecuteAsync(
            _cql.UpdateIAmAlive, [entry.IAmAliveTime, _serviceId, _clusterId, .. MembershipRowCodec.KeyValues(entry.SiloAddress)], Plain(), cancellationToken);

    /// <summary>Closes the connections.</summary>
    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    /// <summary>Closes the connections, for a container disposed synchronously (which refuses async-only singletons).</summary>
    public void Dispose() => _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The etag of table version <paramref name="version"/>: the number itself, which LWT compares.</summary>
    private static string VersionEtag(int version) => version.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseVersionEtag(string? etag, out int version) =>
        int.TryParse(etag, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out version);

    private static string NewEtag() => Guid.NewGuid().ToString("N");

    private static object?[] Key(Func<string, object?> cell) => [cell("address"), cell("port"), cell("generation")];

    private CqlStatementOptions Plain() => new() { Consistency = _settings.Consistency };

    private async Task<CqlRowsResult> RowsAsync(string cql, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        await _cluster.ExecuteAsync(cql, values, Plain(), cancellationToken) as CqlRowsResult
        ?? throw new CqlProtocolException($"expected rows from: {cql}");

    private async Task<bool> ConditionalAsync(string cql, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        var response = await _cluster.ExecuteAsync(
            cql, values, new CqlStatementOptions { Consistency = _settings.Consistency, SerialConsistency = _settings.SerialConsistency }, cancellationToken);
        var rows = response as CqlRowsResult ?? throw new CqlProtocolException($"a conditional statement returned no [applied] row: {cql}");
        return rows.Rows.Count > 0 && rows.Rows[0][rows.IndexOf("[applied]")] is true;
    }
}
