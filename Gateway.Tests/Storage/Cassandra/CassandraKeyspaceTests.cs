using Gateway.Storage.Cassandra.Store;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>The keyspace statement of <c>migrations bootstrap</c>, from cassandra_repl_strategy, _repl_factor and _data_centers.</summary>
public sealed class CassandraKeyspaceTests
{
    [Fact]
    public void CreateStatement_SimpleStrategy_UsesReplicationFactor()
    {
        var cql = CassandraKeyspace.CreateStatement(new CassandraSettings { Keyspace = "kong", ReplicationFactor = 3 });

        Assert.Equal("CREATE KEYSPACE IF NOT EXISTS \"kong\" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}", cql);
    }

    [Fact]
    public void CreateStatement_NetworkTopologyStrategy_OneFactorPerDataCentre()
    {
        var cql = CassandraKeyspace.CreateStatement(new CassandraSettings
        {
            Keyspace = "kong",
            ReplicationStrategy = "NetworkTopologyStrategy",
            DataCenters = ["eu-west:3", "us-east:2"],
        });

        Assert.Equal("CREATE KEYSPACE IF NOT EXISTS \"kong\" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us-east': 2}", cql);
    }

    [Theory]
    [InlineData("dc1", "invalid cassandra_data_centers entry 'dc1': expected <dc_name>:<repl_factor>")]
    [InlineData("dc1:0", "invalid cassandra_data_centers entry 'dc1:0': expected <dc_name>:<repl_factor>")]
    [InlineData(":2", "invalid cassandra_data_centers entry ':2': expected <dc_name>:<repl_factor>")]
    public void CreateStatement_MalformedDataCentre_Throws(string entry, string message)
    {
        var settings = new CassandraSettings { ReplicationStrategy = "NetworkTopologyStrategy", DataCenters = [entry] };

        Assert.Equal(message, Assert.Throws<ArgumentException>(() => CassandraKeyspace.CreateStatement(settings)).Message);
    }

    [Fact]
    public void CreateStatement_UnknownStrategy_Throws()
    {
        var settings = new CassandraSettings { ReplicationStrategy = "LocalStrategy" };

        var error = Assert.Throws<ArgumentException>(() => CassandraKeyspace.CreateStatement(settings));

        Assert.Equal("cassandra_repl_strategy must be SimpleStrategy or NetworkTopologyStrategy, got 'LocalStrategy'", error.Message);
    }

    [Fact]
    public void Quote_DoublesQuotes()
    {
        Assert.Equal("\"a\"\"b\"", CassandraKeyspace.Quote("a\"b"));
    }
}
