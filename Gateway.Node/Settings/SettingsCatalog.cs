using System.Collections.Frozen;
using Gateway.Cluster.Membership;
using Gateway.Node.Plugins.Queues;
using Gateway.Storage.Audit;

namespace Gateway.Node.Settings;

/// <summary>
/// Every setting the node knows: kong.conf's name, the built-in default, a one-line description, and
/// the parser that sets the typed property. This table is the contract of DESIGN.md ("The contract");
/// a name not listed here is an unknown setting.
/// </summary>
public static class SettingsCatalog
{
    /// <summary>Every setting, in the order they are documented and applied.</summary>
    public static readonly IReadOnlyList<SettingDefinition> All =
    [
        new("prefix", "./gateway-data", "working folder: SQLite file, config snapshot, logs",
            (s, v) => s with { Prefix = SettingParsers.NonEmpty(v) }),
        new("proxy_listen", "0.0.0.0:8000, 0.0.0.0:8443 http2 ssl", "client traffic listeners (<ip>:<port> [ssl] [http2] ..., or off)",
            (s, v) => s with { ProxyListen = ListenerParser.ParseList(v) }),
        new("admin_listen", "127.0.0.1:8001", "Admin API listeners (loopback only by default, as Kong)",
            (s, v) => s with { AdminListen = ListenerParser.ParseList(v) }),
        new("admin_gui_listen", "127.0.0.1:8002", "Orleans dashboard (and later a web admin UI) listeners",
            (s, v) => s with { AdminGuiListen = ListenerParser.ParseList(v) }),
        new("status_listen", "127.0.0.1:8007", "/status and Prometheus /metrics listeners",
            (s, v) => s with { StatusListen = ListenerParser.ParseList(v) }),
        new("admin_ssl_cert", "", "PEM certificates of admin_listen's ssl listeners, comma-separated (empty: a self-signed default in prefix/)",
            (s, v) => s with { AdminSslCert = SettingParsers.List(v) }),
        new("admin_ssl_cert_key", "", "PEM private keys of admin_ssl_cert, in the same order",
            (s, v) => s with { AdminSslCertKey = SettingParsers.List(v) }),
        new("status_ssl_cert", "", "PEM certificates of status_listen's ssl listeners, comma-separated (empty: a self-signed default in prefix/)",
            (s, v) => s with { StatusSslCert = SettingParsers.List(v) }),
        new("status_ssl_cert_key", "", "PEM private keys of status_ssl_cert, in the same order",
            (s, v) => s with { StatusSslCertKey = SettingParsers.List(v) }),
        new("cluster_listen", "0.0.0.0:7946", "Orleans silo-to-silo endpoint (<ip>:<port>)",
            (s, v) => s with { ClusterListen = ListenerParser.ParseSingle(v) }),
        new("cluster_membership", "localhost", "how silos find each other: localhost (single node), postgres, redis, cassandra",
            (s, v) => s with
            {
                ClusterMembership = SettingParsers.OneOf(v,
                    ("localhost", ClusterMembershipKind.Localhost), ("postgres", ClusterMembershipKind.Postgres),
                    ("redis", ClusterMembershipKind.Redis), ("cassandra", ClusterMembershipKind.Cassandra)),
            }),
        new("cluster_mtls", "off", "on: silo-to-silo traffic is TLS and each side's certificate must chain to cluster_ca_cert",
            (s, v) => s with { ClusterMtls = SettingParsers.OneOf(v, ("on", true), ("off", false)) }),
        new("cluster_cert", "", "PEM certificate this node shows on the cluster port (cluster_mtls = on)",
            (s, v) => s with { ClusterCert = SettingParsers.Optional(v) }),
        new("cluster_cert_key", "", "PEM private key of cluster_cert",
            (s, v) => s with { ClusterCertKey = SettingParsers.Optional(v) }),
        new("cluster_ca_cert", "", "PEM certificate of the CA every node's cluster_cert must chain to",
            (s, v) => s with { ClusterCaCert = SettingParsers.Optional(v) }),
        new("enforce_rbac", "off", "Admin API RBAC: off, on (endpoint checks), entity (entity checks), both",
            (s, v) => s with
            {
                EnforceRbac = SettingParsers.OneOf(v,
                    ("off", RbacMode.Off), ("on", RbacMode.On), ("entity", RbacMode.Entity), ("both", RbacMode.Both)),
            }),
        new("rbac_auth_header", "Kong-Admin-Token", "the request header the Admin API reads an RBAC user's token from",
            (s, v) => s with { RbacAuthHeader = SettingParsers.HeaderName(v) }),
        new("rbac_auth_failures_per_minute", "10", "failed RBAC token checks one client address may make per minute before it gets 429 (0: no limit)",
            (s, v) => s with { RbacAuthFailuresPerMinute = SettingParsers.Integer(v, 0) }),
        new("audit_log", "off", "on: every Admin API request and config change is recorded (GET /audit/requests, /audit/objects)",
            (s, v) => s with { AuditLog = SettingParsers.OneOf(v, ("on", true), ("off", false)) }),
        new("audit_log_ignore_methods", "", "comma-separated HTTP methods whose Admin API requests make no audit record",
            (s, v) => s with { AuditLogIgnoreMethods = SettingParsers.Methods(v) }),
        new("audit_log_ignore_paths", "", "comma-separated regexes, unanchored, on the request URI with its query: a match makes no audit record",
            (s, v) => s with { AuditLogIgnorePaths = SettingParsers.Regexes(v) }),
        new("audit_log_ignore_tables", "", "comma-separated entity names whose changes make no audit object record",
            (s, v) => s with { AuditLogIgnoreTables = SettingParsers.List(v).ToHashSet(StringComparer.Ordinal) }),
        new("audit_log_payload_exclude", "token, secret, password", "keys removed from recorded payloads and entities at any depth, or dotted paths removed from the top",
            (s, v) => s with { AuditLogPayloadExclude = AuditPayloadFilter.Parse(v) }),
        new("audit_log_record_ttl", "2592000", "seconds an audit record is kept before it is purged",
            (s, v) => s with { AuditLogRecordTtl = SettingParsers.Integer(v, 1) }),
        new("audit_log_signing_key", "", "path to an RSA private key (PEM) that signs every audit record; empty: unsigned",
            (s, v) => s with { AuditLogSigner = SettingParsers.SigningKey(v) }),
        new("audit_log_queue_size", "10000", "audit request records a node keeps (in memory and prefix/audit-queue.json) while its database is away",
            (s, v) => s with { AuditLogQueueMax = SettingParsers.Integer(v, 1) }),
        new("audit_log_sink", "", "also stream every audit record as written: an http(s) URL (JSON arrays, batched and retried) or a file (JSON lines; relative to prefix)",
            (s, v) => s with { AuditLogSink = SettingParsers.AuditSink(v) }),
        new("audit_log_sink_max_size", "100m", "size at which an audit_log_sink file is rotated to FILE.1 (five kept); 0 never rotates",
            (s, v) => s with { AuditLogSinkMaxSize = SettingParsers.Size(v) }),
        new("cluster_id", "gateway", "Orleans ClusterId: nodes with the same id form one cluster",
            (s, v) => s with { ClusterId = SettingParsers.Identifier(v) }),
        new("service_id", "gateway", "Orleans ServiceId: stable across redeployments of the cluster",
            (s, v) => s with { ServiceId = SettingParsers.Identifier(v) }),
        new("database", "sqlite", "config store: sqlite, postgres, cassandra, off (DB-less)",
            (s, v) => s with
            {
                Database = SettingParsers.OneOf(v,
                    ("sqlite", DatabaseKind.Sqlite), ("postgres", DatabaseKind.Postgres),
                    ("cassandra", DatabaseKind.Cassandra), ("off", DatabaseKind.Off)),
            }),
        new("pg_host", "127.0.0.1", "PostgreSQL host",
            (s, v) => s with { PgHost = SettingParsers.NonEmpty(v) }),
        new("pg_port", "5432", "PostgreSQL port",
            (s, v) => s with { PgPort = SettingParsers.Port(v) }),
        new("pg_user", "gateway", "PostgreSQL user",
            (s, v) => s with { PgUser = SettingParsers.NonEmpty(v) }),
        new("pg_password", "", "PostgreSQL password (empty: none)",
            (s, v) => s with { PgPassword = SettingParsers.Optional(v) }, Secret: true),
        new("pg_database", "gateway", "PostgreSQL database",
            (s, v) => s with { PgDatabase = SettingParsers.NonEmpty(v) }),
        new("cassandra_contact_points", "127.0.0.1", "comma-separated Cassandra hosts (no ports)",
            (s, v) => s with { CassandraContactPoints = SettingParsers.ContactPoints(v) }),
        new("cassandra_port", "9042", "Cassandra native protocol port",
            (s, v) => s with { CassandraPort = SettingParsers.Port(v) }),
        new("cassandra_keyspace", "gateway", "Cassandra keyspace",
            (s, v) => s with { CassandraKeyspace = SettingParsers.Keyspace(v) }),
        new("cassandra_consistency", "LOCAL_QUORUM", "consistency of reads and writes: ALL, EACH_QUORUM, QUORUM, LOCAL_QUORUM, ONE, TWO, THREE, LOCAL_ONE",
            (s, v) => s with
            {
                CassandraConsistency = SettingParsers.OneOf(v,
                    ("ALL", CassandraConsistency.All), ("EACH_QUORUM", CassandraConsistency.EachQuorum),
                    ("QUORUM", CassandraConsistency.Quorum), ("LOCAL_QUORUM", CassandraConsistency.LocalQuorum),
                    ("ONE", CassandraConsistency.One), ("TWO", CassandraConsistency.Two),
                    ("THREE", CassandraConsistency.Three), ("LOCAL_ONE", CassandraConsistency.LocalOne)),
            }),
        new("cassandra_username", "gateway", "Cassandra user (PasswordAuthenticator, when a password is set)",
            (s, v) => s with { CassandraUsername = SettingParsers.NonEmpty(v) }),
        new("cassandra_password", "", "Cassandra password (empty: no authentication)",
            (s, v) => s with { CassandraPassword = SettingParsers.Optional(v) }, Secret: true),
        new("cassandra_repl_strategy", "SimpleStrategy", "replication of a keyspace created by migrations: SimpleStrategy, NetworkTopologyStrategy",
            (s, v) => s with
            {
                CassandraReplStrategy = SettingParsers.OneOf(v,
                    ("SimpleStrategy", CassandraReplicationStrategy.SimpleStrategy),
                    ("NetworkTopologyStrategy", CassandraReplicationStrategy.NetworkTopologyStrategy)),
            }),
        new("cassandra_repl_factor", "1", "replicas with SimpleStrategy",
            (s, v) => s with { CassandraReplFactor = SettingParsers.Integer(v, min: 1) }),
        // After cassandra_repl_strategy in this list: the check of an empty list reads the strategy already applied.
        new("cassandra_data_centers", "dc1:2,dc2:3", "replicas per data center with NetworkTopologyStrategy (<dc_name>:<repl_factor>,...)",
            (s, v) => s with { CassandraDataCenters = SettingParsers.DataCenters(v, s.CassandraReplStrategy) }),
        new("redis_host", "127.0.0.1", "default Redis host for rate limiting and membership",
            (s, v) => s with { RedisHost = SettingParsers.NonEmpty(v) }),
        new("redis_port", "6379", "default Redis port",
            (s, v) => s with { RedisPort = SettingParsers.Port(v) }),
        new("redis_password", "", "default Redis password (empty: none)",
            (s, v) => s with { RedisPassword = SettingParsers.Optional(v) }, Secret: true),
        new("redis_database", "0", "default Redis database number",
            (s, v) => s with { RedisDatabase = SettingParsers.Integer(v, min: 0) }),
        new("declarative_config", "", "kong.yml to load when database = off",
            (s, v) => s with { DeclarativeConfig = SettingParsers.Optional(v) }),
        new("db_update_frequency", "5", "seconds between fallback polls of the config version (push is primary)",
            (s, v) => s with { DbUpdateFrequency = SettingParsers.PositiveSeconds(v) }),
        new("plugins", "bundled", "enabled plugins (bundled, names, custom plugin assemblies), or off",
            (s, v) => s with { Plugins = SettingParsers.ListOrOff(v) }),
        new("headers", "server_tokens, latency_tokens, X-Kong-Request-Id", "headers the proxy adds to responses, or off",
            (s, v) => s with { Headers = SettingParsers.Headers(v) }),
        new("trusted_ips", "", "IPs or CIDR ranges whose X-Forwarded-* headers are trusted (empty: none)",
            (s, v) => s with { TrustedIps = SettingParsers.Networks(v) }),
        new("real_ip_header", "X-Real-IP", "header in which a peer from trusted_ips names the client's address (nginx's real_ip_header)",
            (s, v) => s with { RealIpHeader = SettingParsers.RealIpHeader(v) }),
        new("real_ip_recursive", "off", "on: the client is the last address of real_ip_header's list that is not in trusted_ips",
            (s, v) => s with { RealIpRecursive = SettingParsers.OneOf(v, ("on", true), ("off", false)) }),
        new("admin_gui_url", "", "public URLs of the admin GUI, allowed as Admin API CORS origins (empty: none)",
            (s, v) => s with { AdminGuiUrl = SettingParsers.Urls(v) }),
        new("nginx_admin_client_max_body_size", "10m", "largest Admin API request body (nginx size: 8k, 10m; 0 = unlimited)",
            (s, v) => s with { NginxAdminClientMaxBodySize = SettingParsers.Size(v) }),
        new("nginx_admin_client_body_timeout", "60s", "longest wait between two reads of an Admin API request body, then 408 (nginx time: 500ms, 60s, 1m)",
            (s, v) => s with { NginxAdminClientBodyTimeout = NginxParsers.Time(v) }),
        new("nginx_http_client_max_body_size", "0", "largest proxied request body (nginx size; 0 = unlimited): past it 413",
            (s, v) => s with { NginxHttpClientMaxBodySize = SettingParsers.Size(v) }),
        new("nginx_http_client_body_buffer_size", "8k", "how much of a buffered request body stays in memory; the rest goes to prefix/client_body_temp",
            (s, v) => s with { NginxHttpClientBodyBufferSize = NginxParsers.BufferSize(v) }),
        new("nginx_http_large_client_header_buffers", "4 8k", "<number> <size>: the request line fits in size (else 414), the headers in number x size (else 431)",
            (s, v) => s with { NginxHttpLargeClientHeaderBuffers = NginxParsers.HeaderBuffers(v) }),
        new("nginx_http_client_header_timeout", "60s", "time to receive a request's headers, then 408 (nginx time: 500ms, 60s, 5m)",
            (s, v) => s with { NginxHttpClientHeaderTimeout = NginxParsers.Time(v) }),
        new("nginx_http_client_body_timeout", "60s", "longest wait between two reads of a buffered request body, then 408",
            (s, v) => s with { NginxHttpClientBodyTimeout = NginxParsers.Time(v) }),
        new("nginx_http_keepalive_timeout", "75s", "how long an idle client connection stays open",
            (s, v) => s with { NginxHttpKeepaliveTimeout = NginxParsers.Time(v) }),
        new("nginx_events_worker_connections", "auto", "most client connections open at once on proxy_listen (auto = 10000); past it new ones are closed",
            (s, v) => s with { NginxEventsWorkerConnections = NginxParsers.Connections(v) }),
        new("log_level", "notice", "least severe level logged: debug, info, notice, warn, error, crit, alert, emerg",
            (s, v) => s with
            {
                LogLevel = SettingParsers.OneOf(v,
                    ("debug", GatewayLogLevel.Debug), ("info", GatewayLogLevel.Info), ("notice", GatewayLogLevel.Notice),
                    ("warn", GatewayLogLevel.Warn), ("error", GatewayLogLevel.Error), ("crit", GatewayLogLevel.Crit),
                    ("alert", GatewayLogLevel.Alert), ("emerg", GatewayLogLevel.Emerg)),
            }),
        new("plugin_latency_metrics", "off", "on: /metrics has gateway_plugin_latency_seconds, each plugin's phase handlers timed (two clock readings per call)",
            (s, v) => s with { PluginLatencyMetrics = SettingParsers.OneOf(v, ("on", true), ("off", false)) }),
        new("tracing_instrumentations", "off", "what a node makes spans of for the tracing plugins: off, all, or a list of request, db_query, dns_query, router, http_client, balancer, plugin_rewrite, plugin_access, plugin_header_filter",
            (s, v) => s with { TracingInstrumentations = SettingParsers.Instrumentations(v) }),
        new("tracing_sampling_rate", "0.01", "share of traces the tracing plugins export (0 to 1) when a plugin sets no sampling_rate",
            (s, v) => s with { TracingSamplingRate = SettingParsers.Ratio(v) }),
        new("log_format", "text", "the node's own log lines: text, or json (one JSON object a line, Serilog's compact format, with the request's ids)",
            (s, v) => s with { LogFormat = SettingParsers.OneOf(v, ("text", LogFormat.Text), ("json", LogFormat.Json)) }),
        new("router_flavor", "traditional_compatible", "route matching semantics: traditional, traditional_compatible, expressions",
            (s, v) => s with
            {
                RouterFlavor = SettingParsers.OneOf(v,
                    ("traditional", RouterFlavor.Traditional), ("traditional_compatible", RouterFlavor.TraditionalCompatible),
                    ("expressions", RouterFlavor.Expressions)),
            }),
    ];

    private static readonly FrozenDictionary<string, SettingDefinition> ByName =
        All.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>Looks a setting up by its exact kong.conf name.</summary>
    public static bool TryGet(string name, out SettingDefinition definition) =>
        ByName.TryGetValue(name, out definition!);
}
