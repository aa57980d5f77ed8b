using System.Net;
using Gateway.Node.Settings;

namespace Gateway.Tests.Settings;

public class GatewaySettingsDefaultsTests
{
    private static readonly GatewaySettings _defaults = GatewaySettings.Default;

    [Fact]
    public void Default_Listeners_MatchTheContractTable()
    {
        Assert.Equal(["0.0.0.0:8000", "0.0.0.0:8443 http2 ssl"], _defaults.ProxyListen.Select(l => l.ToString()));
        Assert.False(_defaults.ProxyListen[0].Ssl);
        Assert.True(_defaults.ProxyListen[1].Ssl);
        Assert.True(_defaults.ProxyListen[1].Http2);
        Assert.Equal(["127.0.0.1:8001"], _defaults.AdminListen.Select(l => l.ToString()));
        Assert.Equal(["127.0.0.1:8002"], _defaults.AdminGuiListen.Select(l => l.ToString()));
        Assert.Equal(["127.0.0.1:8007"], _defaults.StatusListen.Select(l => l.ToString()));
        Assert.Equal("0.0.0.0:7946", _defaults.ClusterListen.ToString());
        Assert.Equal(IPAddress.Any, _defaults.ClusterListen.Address);
    }

    [Fact]
    public void Default_StoreAndClusterSettings_MatchTheContractTable()
    {
        Assert.Equal("./gateway-data", _defaults.Prefix);
        Assert.Equal(ClusterMembershipKind.Localhost, _defaults.ClusterMembership);
        Assert.Equal(DatabaseKind.Sqlite, _defaults.Database);
        Assert.Equal("127.0.0.1", _defaults.PgHost);
        Assert.Equal(5432, _defaults.PgPort);
        Assert.Equal("gateway", _defaults.PgUser);
        Assert.Null(_defaults.PgPassword);
        Assert.Equal("gateway", _defaults.PgDatabase);
        Assert.Equal(["127.0.0.1"], _defaults.CassandraContactPoints);
        Assert.Equal(9042, _defaults.CassandraPort);
        Assert.Equal("gateway", _defaults.CassandraKeyspace);
        Assert.Equal(CassandraConsistency.LocalQuorum, _defaults.CassandraConsistency);
        Assert.Equal("gateway", _defaults.CassandraUsername);
        Assert.Null(_defaults.CassandraPassword);
        Assert.Equal(CassandraReplicationStrategy.SimpleStrategy, _defaults.CassandraReplStrategy);
        Assert.Equal(1, _defaults.CassandraReplFactor);
        Assert.Equal([new CassandraDataCenter("dc1", 2), new CassandraDataCenter("dc2", 3)], _defaults.CassandraDataCenters);
        Assert.Equal("127.0.0.1", _defaults.RedisHost);
        Assert.Equal(6379, _defaults.RedisPort);
        Assert.Null(_defaults.RedisPassword);
        Assert.Equal(0, _defaults.RedisDatabase);
        Assert.Null(_defaults.DeclarativeConfig);
        Assert.Equal(TimeSpan.FromSeconds(5), _defaults.DbUpdateFrequency);
        Assert.Equal(["bundled"], _defaults.Plugins);
    }

    [Fact]
    public void Default_KongExtras_MatchKongDefaults()
    {
        Assert.Equal(["server_tokens", "latency_tokens", "X-Kong-Request-Id"], _defaults.Headers);
        Assert.Empty(_defaults.TrustedIps);
        Assert.Empty(_defaults.AdminGuiUrl);
        Assert.Equal(10L * 1024 * 1024, _defaults.NginxAdminClientMaxBodySize);
        Assert.Equal("gateway", _defaults.ClusterId);
        Assert.Equal("gateway", _defaults.ServiceId);
        Assert.Equal(GatewayLogLevel.Notice, _defaults.LogLevel);
        Assert.Equal(RouterFlavor.TraditionalCompatible, _defaults.RouterFlavor);
    }

    [Fact]
    public void Catalog_NamesAreUniqueSnakeCaseWithDescriptions()
    {
        var names = SettingsCatalog.All.Select(d => d.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(SettingsCatalog.All, d =>
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", d.Name);
            Assert.False(string.IsNullOrWhiteSpace(d.Description));
            Assert.DoesNotContain('\n', d.Description);
        });
    }

    [Fact]
    public void Catalog_CoversEveryContractSetting()
    {
        string[] contract =
        [
            "prefix", "proxy_listen", "admin_listen", "admin_gui_listen", "status_listen", "cluster_listen",
            "cluster_membership", "database", "pg_host", "pg_port", "pg_user", "pg_password", "pg_database",
            "cassandra_contact_points", "cassandra_port", "cassandra_keyspace", "cassandra_consistency",
            "cassandra_username", "cassandra_password", "cassandra_repl_strategy", "cassandra_repl_factor",
            "cassandra_data_centers", "redis_host", "redis_port", "redis_password", "redis_database",
            "declarative_config", "db_update_frequency", "plugins", "headers", "trusted_ips", "admin_gui_url",
            "nginx_admin_client_max_body_size", "cluster_id", "service_id", "log_level", "router_flavor",
        ];
        Assert.Equal(contract.Order(), SettingsCatalog.All.Select(d => d.Name).Order());
    }

    [Fact]
    public void Default_OriginsAndRawValues_AreTheDefaults()
    {
        Assert.Equal("default", _defaults.Origins["admin_listen"]);
        Assert.Equal("127.0.0.1:8001", _defaults.Raw["admin_listen"]);
    }

    [Fact]
    public void ToDisplay_MasksSetPasswordsOnly()
    {
        var settings = SettingsLoader.FromValues([("pg_password", "s3cret", "--pg_password")]);
        var shown = settings.ToDisplay();
        Assert.Equal("******", shown["pg_password"]);
        Assert.Equal("", shown["redis_password"]);
        Assert.Equal("5432", shown["pg_port"]);
        Assert.Equal("s3cret", settings.PgPassword);
    }
}
