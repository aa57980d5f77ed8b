using Gateway.Node.Config;
using Gateway.Node.Settings;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;
using Gateway.Storage.Store;
using Gateway.Tests.Storage.Store;
using Gateway.Tests.Support;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>
/// The nine cassandra_* settings of the contract, from kong.conf names to the store: parsed and checked by the
/// settings loader, mapped by <see cref="StoreFactory.Cassandra"/>, and seen on the wire by a framing-level fake server.
/// </summary>
public sealed class CassandraSettingsTests
{
    private static readonly (string, CqlType)[] BodyColumn = [("body", CqlType.Text)];

    [Fact]
    public void Cassandra_EverySetting_MapsOntoTheStoreSettings()
    {
        var settings = SettingsLoader.Load(
            CommandLine.Parse([
                "--cassandra_contact_points", "10.0.0.1, cass-2.example",
                "--cassandra_port", "9142",
                "--cassandra_keyspace", "kong_prod",
                "--cassandra_consistency", "each_quorum",
                "--cassandra_username", "ops",
                "--cassandra_password", "s3cret",
                "--cassandra_repl_strategy", "NetworkTopologyStrategy",
                "--cassandra_repl_factor", "2",
                "--cassandra_data_centers", "east:3, west:2",
            ]),
            new Dictionary<string, string>());

        var cassandra = StoreFactory.Cassandra(settings);
        var client = cassandra.ClientOptions();

        Assert.Equal(["10.0.0.1", "cass-2.example"], client.ContactPoints);
        Assert.Equal(9142, client.Port);
        Assert.Equal("kong_prod", cassandra.Keyspace);
        Assert.Equal(CqlConsistency.EachQuorum, client.Consistency);
        Assert.Equal(CqlConsistency.Serial, client.SerialConsistency);
        Assert.Equal("ops", client.Username);
        Assert.Equal("s3cret", client.Password);
        Assert.Equal(2, cassandra.ReplicationFactor);
        Assert.Equal(
            """CREATE KEYSPACE IF NOT EXISTS "kong_prod" WITH replication = {'class': 'NetworkTopologyStrategy', 'east': 3, 'west': 2}""",
            CassandraKeyspace.CreateStatement(cassandra));
        Assert.Equal("Cassandra at 10.0.0.1:9142,cass-2.example:9142/kong_prod", StoreFactory.Describe(cassandra));
    }

    [Fact]
    public void Cassandra_Defaults_LocalQuorumSimpleStrategyAndNoCredentials()
    {
        var cassandra = StoreFactory.Cassandra(GatewaySettings.Default);

        Assert.Equal(["127.0.0.1"], cassandra.ContactPoints);
        Assert.Equal(9042, cassandra.Port);
        Assert.Equal(CqlConsistency.LocalQuorum, cassandra.Consistency);
        // cassandra_username has a default; without cassandra_password nothing is sent, as in Kong.
        Assert.Null(cassandra.Username);
        Assert.Null(cassandra.Password);
        Assert.Equal(
            """CREATE KEYSPACE IF NOT EXISTS "gateway" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}""",
            CassandraKeyspace.CreateStatement(cassandra));
        Assert.Equal("Cassandra at 127.0.0.1:9042/gateway", StoreFactory.Describe(cassandra));
    }

    [Theory]
    [InlineData("ALL", CqlConsistency.All)]
    [InlineData("EACH_QUORUM", CqlConsistency.EachQuorum)]
    [InlineData("QUORUM", CqlConsistency.Quorum)]
    [InlineData("LOCAL_QUORUM", CqlConsistency.LocalQuorum)]
    [InlineData("ONE", CqlConsistency.One)]
    [InlineData("TWO", CqlConsistency.Two)]
    [InlineData("THREE", CqlConsistency.Three)]
    [InlineData("LOCAL_ONE", CqlConsistency.LocalOne)]
    public void Cassandra_Consistency_IsTheProtocolLevelOfTheSameName(string setting, CqlConsistency expected)
    {
        var settings = SettingsLoader.FromValues([("cassandra_consistency", setting, "test")]);

        var level = StoreFactory.Cassandra(settings).Consistency;

        Assert.Equal(expected, level);
        Assert.Equal(setting, CqlConsistencyNames.Name(level));
    }

    [Theory]
    [InlineData("cassandra_keyspace", "my-keyspace", "'my-keyspace' is not a keyspace name (letters, digits and _, at most 48)")]
    [InlineData("cassandra_keyspace", "k1234567890123456789012345678901234567890123456789", "'k1234567890123456789012345678901234567890123456789' is not a keyspace name (letters, digits and _, at most 48)")]
    [InlineData("cassandra_contact_points", "some/really\\bad/host", "'some/really\\bad/host' is not a host name or IP address")]
    [InlineData("cassandra_contact_points", " , ", "must list at least one host")]
    [InlineData("cassandra_port", "0", "'0' is not a port (1-65535)")]
    [InlineData("cassandra_repl_factor", "0", "'0' must be at least 1")]
    [InlineData("cassandra_repl_strategy", "LocalStrategy", "'LocalStrategy' is not one of SimpleStrategy, NetworkTopologyStrategy")]
    [InlineData("cassandra_data_centers", "dc1:2,dc1:3", "data center 'dc1' is listed twice")]
    [InlineData("cassandra_data_centers", ":2", "':2' is not of the form <dc_name>:<repl_factor>")]
    [InlineData("cassandra_data_centers", "dc1:0", "'dc1:0' is not of the form <dc_name>:<repl_factor>")]
    [InlineData("cassandra_username", "", "must not be empty")]
    public void Load_BadCassandraValue_GivesOneLineNamingSettingAndSource(string name, string value, string reason)
    {
        var ex = Assert.Throws<SettingsException>(
            () => SettingsLoader.Load(CommandLine.Parse([$"--{name}", value]), new Dictionary<string, string>()));

        Assert.Equal($"invalid value for {name} (from --{name}): {reason}", ex.Message);
    }

    [Fact]
    public void Load_NetworkTopologyStrategyWithoutDataCenters_IsRefused()
    {
        var environment = new Dictionary<string, string>
        {
            ["GATEWAY_CASSANDRA_REPL_STRATEGY"] = "NetworkTopologyStrategy",
            ["GATEWAY_CASSANDRA_DATA_CENTERS"] = "",
        };

        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.Load(CommandLine.Parse(["start"]), environment));

        Assert.Equal(
            "invalid value for cassandra_data_centers (from env GATEWAY_CASSANDRA_DATA_CENTERS): must name at least one <dc_name>:<repl_factor> when cassandra_repl_strategy is NetworkTopologyStrategy",
            ex.Message);
    }

    [Fact]
    public void Load_SimpleStrategyWithoutDataCenters_IsAccepted()
    {
        var settings = SettingsLoader.FromValues([("cassandra_data_centers", "", "test")]);

        Assert.Empty(settings.CassandraDataCenters);
        Assert.Equal(CassandraReplicationStrategy.SimpleStrategy, settings.CassandraReplStrategy);
    }

    [Fact]
    public async Task Store_FromSettings_AuthenticatesWithUsernameAndPassword_AndReadsAtTheConsistency()
    {
        await using var server = FakeCqlServer.Start(
            request => request.Opcode == CqlOpcode.Prepare
                ? request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared([0x01], [("entity", CqlType.Text), ("id", CqlType.Text)], BodyColumn))
                : request.RowsAsync(BodyColumn),
            requiredToken: CqlRequests.PlainSaslToken("ops", "s3cret"));
        var settings = OnPort(server.Port, ("cassandra_username", "ops"), ("cassandra_password", "s3cret"), ("cassandra_consistency", "THREE"));
        await using var store = new CassandraConfigStore(StoreFactory.Cassandra(settings), TestSchemas.Registry, TimeProvider.System);

        Assert.Null(await store.GetAsync("services", "0b5c1e7e-6f4d-4ec8-9e7f-2f8a8a6c1f00"));

        var execute = Assert.Single(server.Requests, r => r.Opcode == CqlOpcode.Execute);
        Assert.Equal(CqlConsistency.Three, ExecuteConsistency(execute));
        Assert.Equal("SELECT body FROM \"gateway\".entities WHERE entity = ? AND id = ?", Assert.Single(server.Requests, r => r.Opcode == CqlOpcode.Prepare).Text);
    }

    [Fact]
    public async Task Store_WrongPassword_IsUnavailableWithTheServersReason()
    {
        await using var server = FakeCqlServer.Start(_ => Task.CompletedTask, requiredToken: CqlRequests.PlainSaslToken("ops", "s3cret"));
        var settings = OnPort(server.Port, ("cassandra_username", "ops"), ("cassandra_password", "wrong"));
        await using var store = new CassandraConfigStore(StoreFactory.Cassandra(settings), TestSchemas.Registry, TimeProvider.System);

        var error = await Assert.ThrowsAsync<CassandraUnavailableException>(() => store.GetAsync("services", "0b5c1e7e-6f4d-4ec8-9e7f-2f8a8a6c1f00"));

        Assert.EndsWith("Cassandra authentication failed (0x0100): Provided username and/or password are incorrect", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Store_NoHostAnswers_FailsAsUnavailable_SoTheNodeFallsBackToItsSnapshot()
    {
        var port = FreePorts.Next();
        await using var store = new CassandraConfigStore(StoreFactory.Cassandra(OnPort(port)), TestSchemas.Registry, TimeProvider.System);

        var error = await Assert.ThrowsAsync<CassandraUnavailableException>(() => store.GetVersionAsync());

        Assert.StartsWith($"no Cassandra host available: 127.0.0.1:{port}: connection to Cassandra host 127.0.0.1:{port} failed", error.Message);
        Assert.True(StoreFailures.IsUnavailable(error));
        Assert.False(await store.IsReachableAsync());
    }

    [Fact]
    public void Failures_RefusedStatement_IsNotUnavailability()
    {
        Assert.False(CassandraFailures.IsUnavailable(new CqlInvalidQueryException("unconfigured table entities")));
        Assert.False(CassandraFailures.IsUnavailable(new CqlUnauthorizedException("no SELECT permission")));
        Assert.True(CassandraFailures.IsUnavailable(new CqlUnavailableException("cannot achieve consistency", CqlConsistency.Quorum, 2, 1)));
    }

    private static GatewaySettings OnPort(int port, params (string Name, string Value)[] extra) =>
        SettingsLoader.FromValues([
            ("cassandra_contact_points", "127.0.0.1", "test"),
            ("cassandra_port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "test"),
            .. extra.Select(e => (e.Name, e.Value, "test")),
        ]);

    /// <summary>The [consistency] of an EXECUTE: after the prepared id, first in the query parameters.</summary>
    private static CqlConsistency ExecuteConsistency(FakeCqlRequest execute)
    {
        var reader = new CqlReader(execute.Body);
        reader.ReadShortBytes();
        return (CqlConsistency)reader.ReadShort();
    }
}
