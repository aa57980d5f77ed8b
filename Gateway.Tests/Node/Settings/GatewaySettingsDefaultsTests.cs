using System.Net;
using Gateway.Cluster.Membership;
using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

public class GatewaySettingsDefaultsTests
{
    private static readonly GatewaySettings Defaults = GatewaySettings.Default;

    [Fact]
    public void Default_Listeners_MatchTheContractTable()
    {
        Assert.Equal(["0.0.0.0:8000", "0.0.0.0:8443 http2 ssl"], Defaults.ProxyListen.Select(l => l.ToString()));
        Assert.False(Defaults.ProxyListen[0].Ssl);
        Assert.True(Defaults.ProxyListen[1].Ssl);
        Assert.True(Defaults.ProxyListen[1].Http2);
        Assert.Equal(["127.0.0.1:8001"], Defaults.AdminListen.Select(l => l.ToString()));
        Assert.Equal(["127.0.0.1:8002"], Defaults.AdminGuiListen.Select(l => l.ToString()));
        Assert.Equal(["127.0.0.1:8007"], Defaults.StatusListen.Select(l => l.ToString()));
        Assert.Equal("0.0.0.0:7946", Defaults.ClusterListen.ToString());
        Assert.Equal(IPAddress.Any, Defaults.ClusterListen.Address);
    }

    [Fact]
    public void Default_StoreAndClusterSettings_MatchTheContractTable()
    {
        Assert.Equal("./gateway-data", Defaults.Prefix);
        Assert.Equal(ClusterMembershipKind.Localhost, Defaults.ClusterMembership);
        Assert.Equal(DatabaseKind.Sqlite, Defaults.Database);
        Assert.Equal("127.0.0.1", Defaults.PgHost);
        Assert.Equal(5432, Defaults.PgPort);
        Assert.Equal("gateway", Defaults.PgUser);
        Assert.Null(Defaults.PgPassword);
        Assert.Equal("gateway", Defaults.PgDatabase);
        Assert.Equal(["127.0.0.1"], Defaults.CassandraContactPoints);
        Assert.Equal(9042, Defaults.CassandraPort);
        Assert.Equal("gateway", Defaults.CassandraKeyspace);
        Assert.Equal(CassandraConsistency.LocalQuorum, Defaults.CassandraConsistency);
        Assert.Equal("gateway", Defaults.CassandraUsername);
        Assert.Null(Defaults.CassandraPassword);
        Assert.Equal(CassandraReplicationStrategy.SimpleStrategy, Defaults.CassandraReplStrategy);
        Assert.Equal(1, Defaults.CassandraReplFactor);
        Assert.Equal([new CassandraDataCenter("dc1", 2), new CassandraDataCenter("dc2", 3)], Defaults.CassandraDataCenters);
        Assert.Equal("127.0.0.1", Defaults.RedisHost);
        Assert.Equal(6379, Defaults.RedisPort);
        Assert.Null(Defaults.RedisPassword);
        Assert.Equal(0, Defaults.RedisDatabase);
        Assert.Null(Defaults.DeclarativeConfig);
        Assert.Equal(TimeSpan.FromSeconds(5), Defaults.DbUpdateFrequency);
        Assert.Equal(["bundled"], Defaults.Plugins);
    }

    [Fact]
    public void Default_KongExtras_MatchKongDefaults()
    {
        Assert.Equal(["server_tokens", "latency_tokens", "X-Kong-Request-Id"], Defaults.Headers);
        Assert.Empty(Defaults.TrustedIps);
        Assert.Empty(Defaults.AdminGuiUrl);
        Assert.Equal(10L * 1024 * 1024, Defaults.NginxAdminClientMaxBodySize);
        Assert.Equal(TimeSpan.FromSeconds(60), Defaults.NginxAdminClientBodyTimeout);
        Assert.Equal("gateway", Defaults.ClusterId);
        Assert.Equal("gateway", Defaults.ServiceId);
        Assert.Equal(GatewayLogLevel.Notice, Defaults.LogLevel);
        Assert.Equal(RouterFlavor.TraditionalCompatible, Defaults.RouterFlavor);
    }

    [Fact]
    public void Default_ProxyLimits_MatchKongDefaults()
    {
        Assert.Equal(0, Defaults.NginxHttpClientMaxBodySize);
        Assert.Equal(8 * 1024, Defaults.NginxHttpClientBodyBufferSize);
        Assert.Equal(new HeaderBuffers(4, 8 * 1024), Defaults.NginxHttpLargeClientHeaderBuffers);
        Assert.Equal(32 * 1024, Defaults.NginxHttpLargeClientHeaderBuffers.Total);
        Assert.Equal(TimeSpan.FromSeconds(60), Defaults.NginxHttpClientHeaderTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), Defaults.NginxHttpClientBodyTimeout);
        Assert.Equal(TimeSpan.FromSeconds(75), Defaults.NginxHttpKeepaliveTimeout);
        Assert.Equal(10_000, Defaults.NginxEventsWorkerConnections);
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

            // The node's own log as JSON lines, for log collectors.
            "log_format",

            // Per-plugin phase timings on /metrics, off by default since they cost on every plugin call.
            "plugin_latency_metrics",

            // Kong's tracing settings, for the opentelemetry and zipkin plugins, and its proxy access log (off here).
            "tracing_instrumentations", "tracing_sampling_rate", "proxy_access_log",

            // Where the syslog plugin finds the local syslog daemon (Kong's is fixed at /dev/log).
            "syslog_socket",

            // The CAs plugins' own TLS connections trust (ldap-auth's), with Kong's name.
            "lua_ssl_trusted_certificate",

            // Beyond the contract table: Kong's realip settings, which trusted_ips works with, and the
            // Admin API's body timeout (nginx's client_body_timeout, injected as nginx_admin_*).
            "real_ip_header", "real_ip_recursive", "nginx_admin_client_body_timeout",

            // Beyond it too: the proxy's request and connection limits, with Kong's (nginx's) names and defaults.
            "nginx_http_client_max_body_size", "nginx_http_client_body_buffer_size", "nginx_http_large_client_header_buffers",
            "nginx_http_client_header_timeout", "nginx_http_client_body_timeout", "nginx_http_keepalive_timeout",
            "nginx_events_worker_connections",

            // Kong's entity-cache size, which bounds each of proxy-cache's memory dictionaries of that name.
            "mem_cache_size",

            // The cluster port's TLS, with Kong hybrid mode's names.
            "cluster_mtls", "cluster_cert", "cluster_cert_key", "cluster_ca_cert",

            // Kong's stream proxy listeners (TCP, TLS and UDP routes), off by default as in Kong.
            "stream_listen",

            // The Admin and status APIs' TLS certificates, with Kong's names.
            "admin_ssl_cert", "admin_ssl_cert_key", "status_ssl_cert", "status_ssl_cert_key",

            // Admin API RBAC, with Kong Enterprise's names, and the failed-token limit.
            "enforce_rbac", "rbac_auth_header", "rbac_auth_failures_per_minute",

            // The audit log, with Kong Enterprise's names, and how many request records a node holds while its database is away.
            "audit_log", "audit_log_ignore_methods", "audit_log_ignore_paths", "audit_log_ignore_tables", "audit_log_payload_exclude",
            "audit_log_record_ttl", "audit_log_signing_key", "audit_log_queue_size", "audit_log_sink", "audit_log_sink_max_size",
        ];
        Assert.Equal(contract.Order(), SettingsCatalog.All.Select(d => d.Name).Order());
    }

    [Fact]
    public void Default_OriginsAndRawValues_AreTheDefaults()
    {
        Assert.Equal("default", Defaults.Origins["admin_listen"]);
        Assert.Equal("127.0.0.1:8001", Defaults.Raw["admin_listen"]);
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
