using System.Net;
using Gateway.Cluster.Membership.Cassandra;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;
using Gateway.Tests.Storage.Cassandra;
using Gateway.Tests.Support;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Gateway.Tests.Cluster.Membership;

/// <summary>
/// <see cref="CassandraMembershipTable"/> against the real Cassandra that CASSANDRA_CONTACT_POINTS names: Orleans'
/// membership table contract (versions, row etags, exactly one winner per race). Each test is a cluster of its own in
/// a keyspace the first table creates and the test drops.
/// </summary>
public sealed class CassandraMembershipTableTests
{
    private static readonly DateTime Start = new(2026, 11, 27, 4, 0, 0, DateTimeKind.Utc);

    [CassandraFact]
    public async Task Initialize_MissingKeyspace_CreatesItFromReplicationSettingsAtVersionZero()
    {
        await using var test = await TestCluster.StartAsync();

        await test.Table.InitializeMembershipTable(true);
        var data = await test.Table.ReadAll();

        Assert.Equal(0, data.Version.Version);
        Assert.Equal("0", data.Version.VersionEtag);
        Assert.Empty(data.Members);
        await using var client = new CqlCluster(test.Settings.ClientOptions());
        var replication = await client.ExecuteAsync("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", [test.Settings.Keyspace]) as CqlRowsResult;
        var map = (Dictionary<object, object?>)Assert.Single(replication!.Rows)[0]!;
        Assert.Equal("org.apache.cassandra.locator.SimpleStrategy", map["class"]);
        Assert.Equal("1", map["replication_factor"]);
    }

    [CassandraFact]
    public async Task InsertRow_StaleVersion_Fails()
    {
        await using var test = await TestCluster.StartAsync();
        var before = await test.Table.ReadAll();

        Assert.True(await test.Table.InsertRow(Entry(11111), before.Version.Next()));
        Assert.False(await test.Table.InsertRow(Entry(22222), before.Version.Next()));

        var after = await test.Table.ReadAll();
        Assert.Equal(1, after.Version.Version);
        Assert.Equal("1", after.Version.VersionEtag);
        var (entry, etag) = Assert.Single(after.Members);
        Assert.Equal(11111, entry.SiloAddress.Endpoint.Port);
        Assert.Matches("^[0-9a-f]{32}$", etag);
    }

    [CassandraFact]
    public async Task InsertRow_ExistingSilo_FailsAndLeavesVersion()
    {
        await using var test = await TestCluster.StartAsync();
        Assert.True(await test.Table.InsertRow(Entry(11111), (await test.Table.ReadAll()).Version.Next()));

        Assert.False(await test.Table.InsertRow(Entry(11111, SiloStatus.Dead), (await test.Table.ReadAll()).Version.Next()));

        var data = await test.Table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(data.Members).Item1.Status);
    }

    [CassandraFact]
    public async Task InsertRow_TwoSilosFromTheSameRead_ExactlyOneWins()
    {
        await using var test = await TestCluster.StartAsync();
        var other = test.OtherTable();
        var read = await test.Table.ReadAll();

        var results = await Task.WhenAll(test.Table.InsertRow(Entry(11111), read.Version.Next()), other.InsertRow(Entry(22222), read.Version.Next()));

        Assert.Equal(1, results.Count(r => r));
        var data = await test.Table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        Assert.Equal(results[0] ? 11111 : 22222, Assert.Single(data.Members).Item1.SiloAddress.Endpoint.Port);
    }

    [CassandraFact]
    public async Task UpdateRow_ConcurrentWithSameEtag_ExactlyOneWins()
    {
        await using var test = await TestCluster.StartAsync();
        var other = test.OtherTable();
        Assert.True(await test.Table.InsertRow(Entry(11111), (await test.Table.ReadAll()).Version.Next()));
        var read = await test.Table.ReadAll();
        var (row, etag) = Assert.Single(read.Members);

        var results = await Task.WhenAll(
            test.Table.UpdateRow(Entry(11111, SiloStatus.ShuttingDown), etag, read.Version.Next()),
            other.UpdateRow(Entry(11111, SiloStatus.Dead), etag, read.Version.Next()));

        Assert.Equal(1, results.Count(r => r));
        var data = await test.Table.ReadAll();
        Assert.Equal(2, data.Version.Version);
        var (updated, newEtag) = Assert.Single(data.Members);
        Assert.Equal(results[0] ? SiloStatus.ShuttingDown : SiloStatus.Dead, updated.Status);
        Assert.NotEqual(etag, newEtag);
    }

    [CassandraFact]
    public async Task UpdateRow_StaleRowEtagAtCurrentVersion_Fails()
    {
        await using var test = await TestCluster.StartAsync();
        Assert.True(await test.Table.InsertRow(Entry(11111), (await test.Table.ReadAll()).Version.Next()));
        var first = await test.Table.ReadAll();
        var staleEtag = Assert.Single(first.Members).Item2;
        Assert.True(await test.Table.UpdateRow(Entry(11111, SiloStatus.ShuttingDown), staleEtag, first.Version.Next()));

        var current = await test.Table.ReadAll();
        Assert.False(await test.Table.UpdateRow(Entry(11111, SiloStatus.Dead), staleEtag, current.Version.Next()));

        var data = await test.Table.ReadAll();
        Assert.Equal(2, data.Version.Version);
        Assert.Equal(SiloStatus.ShuttingDown, Assert.Single(data.Members).Item1.Status);
    }

    [CassandraFact]
    public async Task UpdateRow_StaleVersion_Fails()
    {
        await using var test = await TestCluster.StartAsync();
        Assert.True(await test.Table.InsertRow(Entry(11111), (await test.Table.ReadAll()).Version.Next()));
        var old = await test.Table.ReadAll();
        Assert.True(await test.Table.InsertRow(Entry(22222), old.Version.Next()));

        Assert.False(await test.Table.UpdateRow(Entry(11111, SiloStatus.Dead), old.Members[0].Item2, old.Version.Next()));

        Assert.Equal(2, (await test.Table.ReadAll()).Version.Version);
    }

    [CassandraFact]
    public async Task UpdateRow_MissingSilo_Fails()
    {
        await using var test = await TestCluster.StartAsync();
        var read = await test.Table.ReadAll();

        Assert.False(await test.Table.UpdateRow(Entry(11111), "0123456789abcdef0123456789abcdef", read.Version.Next()));

        var data = await test.Table.ReadAll();
        Assert.Equal(0, data.Version.Version);
        Assert.Empty(data.Members);
    }

    [CassandraFact]
    public async Task UpdateIAmAlive_KeepsVersionAndEtag_SoAnEarlierReadStillUpdates()
    {
        await using var test = await TestCluster.StartAsync();
        Assert.True(await test.Table.InsertRow(Entry(11111), (await test.Table.ReadAll()).Version.Next()));
        var read = await test.Table.ReadAll();
        var heartbeat = Entry(11111);
        heartbeat.IAmAliveTime = Start.AddMinutes(5);

        await test.Table.UpdateIAmAlive(heartbeat);

        var after = await test.Table.ReadAll();
        Assert.Equal(read.Version, after.Version);
        var (entry, etag) = Assert.Single(after.Members);
        Assert.Equal(read.Members[0].Item2, etag);
        Assert.Equal(Start.AddMinutes(5), entry.IAmAliveTime);
        Assert.True(await test.Table.UpdateRow(Entry(11111, SiloStatus.Dead), read.Members[0].Item2, read.Version.Next()));
    }

    [CassandraFact]
    public async Task ReadRow_ReturnsTheSiloAndTableVersion()
    {
        await using var test = await TestCluster.StartAsync();
        Assert.True(await test.Table.InsertRow(Entry(11111), (await test.Table.ReadAll()).Version.Next()));
        Assert.True(await test.Table.InsertRow(Entry(22222), (await test.Table.ReadAll()).Version.Next()));

        var row = await test.Table.ReadRow(Entry(22222).SiloAddress);
        var missing = await test.Table.ReadRow(Entry(33333).SiloAddress);

        Assert.Equal(2, row.Version.Version);
        Assert.Equal(22222, Assert.Single(row.Members).Item1.SiloAddress.Endpoint.Port);
        Assert.Equal(2, missing.Version.Version);
        Assert.Empty(missing.Members);
    }

    [CassandraFact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyOldDeadSilos()
    {
        await using var test = await TestCluster.StartAsync();
        var oldDead = Entry(11111, SiloStatus.Dead);
        var recentDead = Entry(22222, SiloStatus.Dead);
        recentDead.IAmAliveTime = Start.AddHours(2);
        var oldActive = Entry(33333);
        foreach (var entry in new[] { oldDead, recentDead, oldActive })
        {
            Assert.True(await test.Table.InsertRow(entry, (await test.Table.ReadAll()).Version.Next()));
        }

        await test.Table.CleanupDefunctSiloEntries(new DateTimeOffset(Start.AddHours(1)));

        var data = await test.Table.ReadAll();
        Assert.Equal([22222, 33333], data.Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order());
        Assert.Equal(3, data.Version.Version);
    }

    [CassandraFact]
    public async Task DeleteMembershipTableEntries_RemovesRowsAndVersion_OtherClustersStay()
    {
        await using var test = await TestCluster.StartAsync();
        var neighbour = test.OtherTable(clusterId: "neighbour");
        await neighbour.InitializeMembershipTable(true);
        Assert.True(await neighbour.InsertRow(Entry(44444), (await neighbour.ReadAll()).Version.Next()));
        Assert.True(await test.Table.InsertRow(Entry(11111), (await test.Table.ReadAll()).Version.Next()));

        await test.Table.DeleteMembershipTableEntries(test.ClusterId);

        var data = await test.Table.ReadAll();
        Assert.Equal(0, data.Version.Version);
        Assert.Empty(data.Members);
        Assert.Single((await neighbour.ReadAll()).Members);
    }

    private static MembershipEntry Entry(int port, SiloStatus status = SiloStatus.Active) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
        SiloName = $"silo-{port}",
        HostName = "localhost",
        Status = status,
        ProxyPort = 0,
        StartTime = Start,
        IAmAliveTime = Start,
    };

    /// <summary>A table on a fresh keyspace and cluster id, initialized; drops the keyspace on dispose.</summary>
    private sealed class TestCluster : IAsyncDisposable
    {
        private readonly List<CassandraMembershipTable> _tables = [];

        private TestCluster(CassandraSettings settings, string clusterId)
        {
            Settings = settings;
            ClusterId = clusterId;
            Table = OtherTable();
        }

        public CassandraSettings Settings { get; }

        public string ClusterId { get; }

        /// <summary>The table, as one silo holds it.</summary>
        public CassandraMembershipTable Table { get; }

        public static async Task<TestCluster> StartAsync()
        {
            var cluster = new TestCluster(CassandraStoreContractTests.Settings(), $"cluster-{Guid.NewGuid():N}");
            await cluster.Table.InitializeMembershipTable(true);
            return cluster;
        }

        /// <summary>Another silo's table: its own connections to the same partition (or to another cluster's).</summary>
        public CassandraMembershipTable OtherTable(string? clusterId = null)
        {
            var table = new CassandraMembershipTable(
                Options.Create(new ClusterOptions { ServiceId = "gateway-test", ClusterId = clusterId ?? ClusterId }),
                Options.Create(new CassandraClusteringOptions { Settings = Settings }));
            _tables.Add(table);
            return table;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var table in _tables)
            {
                await table.DisposeAsync();
            }

            await CassandraStoreContractTests.DropKeyspaceAsync(Settings);
        }
    }
}
