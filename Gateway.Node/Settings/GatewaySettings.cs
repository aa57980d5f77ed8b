using System.Net;
using System.Text.RegularExpressions;
using Gateway.Cluster.Membership;
using Gateway.Node.Plugins.Queues;
using Gateway.Storage.Audit;

namespace Gateway.Node.Settings;

/// <summary>
/// The node's settings, immutable, with kong.conf's names (see <see cref="SettingsCatalog"/> for defaults
/// and meanings). Obtain them from <see cref="SettingsLoader"/> or <see cref="Default"/>; derive variants
/// with <c>with</c>.
/// </summary>
/// <remarks>
/// Property initialisers are placeholders only: every instance starts from the catalog, which sets every
/// property from its default before any source is applied.
/// </remarks>
public sealed record GatewaySettings
{
    private static readonly Lazy<GatewaySettings> LazyDefault = new(() => SettingsLoader.FromValues([]));

    private GatewaySettings()
    {
    }

    /// <summary>The built-in defaults, with no conf file, environment or command line.</summary>
    public static GatewaySettings Default => LazyDefault.Value;

    /// <summary>Starting point for the catalog to fill in; not for use elsewhere.</summary>
    internal static GatewaySettings Blank => new();

    /// <summary>prefix: working folder for the SQLite file, the config snapshot and logs.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>proxy_listen: client traffic listeners; empty when <c>off</c>.</summary>
    public IReadOnlyList<Listener> ProxyListen { get; init; } = [];

    /// <summary>admin_listen: Admin API listeners; empty when <c>off</c>.</summary>
    public IReadOnlyList<Listener> AdminListen { get; init; } = [];

    /// <summary>admin_gui_listen: Orleans dashboard (and later a web admin UI) listeners; empty when <c>off</c>.</summary>
    public IReadOnlyList<Listener> AdminGuiListen { get; init; } = [];

    /// <summary>stream_listen: TCP, TLS and UDP stream proxy listeners (Kong's stream subsystem); empty when <c>off</c>, the default.</summary>
    public IReadOnlyList<Listener> StreamListen { get; init; } = [];

    /// <summary>status_listen: /status and Prometheus /metrics listeners; empty when <c>off</c>.</summary>
    public IReadOnlyList<Listener> StatusListen { get; init; } = [];

    /// <summary>admin_ssl_cert: PEM certificate files for admin_listen's <c>ssl</c> listeners (Kong: alternate key types); empty: a self-signed default in prefix/.</summary>
    public IReadOnlyList<string> AdminSslCert { get; init; } = [];

    /// <summary>admin_ssl_cert_key: the private key file of each <see cref="AdminSslCert"/>, in the same order.</summary>
    public IReadOnlyList<string> AdminSslCertKey { get; init; } = [];

    /// <summary>status_ssl_cert: PEM certificate files for status_listen's <c>ssl</c> listeners; empty: a self-signed default in prefix/.</summary>
    public IReadOnlyList<string> StatusSslCert { get; init; } = [];

    /// <summary>status_ssl_cert_key: the private key file of each <see cref="StatusSslCert"/>, in the same order.</summary>
    public IReadOnlyList<string> StatusSslCertKey { get; init; } = [];

    /// <summary>cluster_listen: the Orleans silo-to-silo endpoint.</summary>
    public Listener ClusterListen { get; init; } = null!;

    /// <summary>cluster_membership: how silos find each other.</summary>
    public ClusterMembershipKind ClusterMembership { get; init; }

    /// <summary>cluster_mtls: silo-to-silo traffic is TLS with mutual certificate checks.</summary>
    public bool ClusterMtls { get; init; }

    /// <summary>cluster_cert: the PEM certificate file this node shows on the cluster port; null when unset.</summary>
    public string? ClusterCert { get; init; }

    /// <summary>cluster_cert_key: the PEM private key file of <see cref="ClusterCert"/>; null when unset.</summary>
    public string? ClusterCertKey { get; init; }

    /// <summary>cluster_ca_cert: the PEM file of the CA every peer's certificate must chain to; null when unset.</summary>
    public string? ClusterCaCert { get; init; }

    /// <summary>cluster_id: the Orleans ClusterId; nodes with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = "";

    /// <summary>service_id: the Orleans ServiceId; keeps grain state across cluster redeployments.</summary>
    public string ServiceId { get; init; } = "";

    /// <summary>database: where config is stored.</summary>
    public DatabaseKind Database { get; init; }

    /// <summary>pg_host.</summary>
    public string PgHost { get; init; } = "";

    /// <summary>pg_port.</summary>
    public int PgPort { get; init; }

    /// <summary>pg_user.</summary>
    public string PgUser { get; init; } = "";

    /// <summary>pg_password; null when unset.</summary>
    public string? PgPassword { get; init; }

    /// <summary>pg_database.</summary>
    public string PgDatabase { get; init; } = "";

    /// <summary>cassandra_contact_points: hosts to connect to first.</summary>
    public IReadOnlyList<string> CassandraContactPoints { get; init; } = [];

    /// <summary>cassandra_port.</summary>
    public int CassandraPort { get; init; }

    /// <summary>cassandra_keyspace.</summary>
    public string CassandraKeyspace { get; init; } = "";

    /// <summary>cassandra_consistency: for reads and writes.</summary>
    public CassandraConsistency CassandraConsistency { get; init; }

    /// <summary>cassandra_username: used with PasswordAuthenticator when a password is set.</summary>
    public string CassandraUsername { get; init; } = "";

    /// <summary>cassandra_password; null when unset (no authentication).</summary>
    public string? CassandraPassword { get; init; }

    /// <summary>cassandra_repl_strategy: used when migrations create the keyspace.</summary>
    public CassandraReplicationStrategy CassandraReplStrategy { get; init; }

    /// <summary>cassandra_repl_factor: replicas for SimpleStrategy.</summary>
    public int CassandraReplFactor { get; init; }

    /// <summary>cassandra_data_centers: replicas per data center for NetworkTopologyStrategy.</summary>
    public IReadOnlyList<CassandraDataCenter> CassandraDataCenters { get; init; } = [];

    /// <summary>redis_host.</summary>
    public string RedisHost { get; init; } = "";

    /// <summary>redis_port.</summary>
    public int RedisPort { get; init; }

    /// <summary>redis_password; null when unset.</summary>
    public string? RedisPassword { get; init; }

    /// <summary>redis_database: the Redis database number.</summary>
    public int RedisDatabase { get; init; }

    /// <summary>declarative_config: the kong.yml to load when database = off; null when unset.</summary>
    public string? DeclarativeConfig { get; init; }

    /// <summary>db_update_frequency: interval of the fallback poll of the config version.</summary>
    public TimeSpan DbUpdateFrequency { get; init; }

    /// <summary>plugins: enabled plugin names, <c>bundled</c>, and custom plugin assemblies; empty when <c>off</c>.</summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];

    /// <summary>headers: response headers the proxy adds, in Kong's spelling; empty when <c>off</c>.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary>trusted_ips: peers whose X-Forwarded-* headers are believed.</summary>
    public IReadOnlyList<IPNetwork> TrustedIps { get; init; } = [];

    /// <summary>real_ip_header: where a trusted peer names the client's address.</summary>
    public string RealIpHeader { get; init; } = "X-Real-IP";

    /// <summary>real_ip_recursive: skip trusted addresses from the right of real_ip_header's list.</summary>
    public bool RealIpRecursive { get; init; }

    /// <summary>admin_gui_url: public URLs of the admin GUI (CORS origins for the Admin API); empty when unset.</summary>
    public IReadOnlyList<string> AdminGuiUrl { get; init; } = [];

    /// <summary>nginx_admin_client_max_body_size: largest Admin API request body in bytes; 0 means unlimited.</summary>
    public long NginxAdminClientMaxBodySize { get; init; }

    /// <summary>nginx_admin_client_body_timeout: the longest wait between two reads of an Admin API request body.</summary>
    public TimeSpan NginxAdminClientBodyTimeout { get; init; }

    /// <summary>nginx_http_client_max_body_size: largest proxied request body in bytes; 0 means unlimited.</summary>
    public long NginxHttpClientMaxBodySize { get; init; }

    /// <summary>nginx_http_client_body_buffer_size: bytes of a buffered request body held in memory before the rest goes to a file.</summary>
    public int NginxHttpClientBodyBufferSize { get; init; }

    /// <summary>nginx_http_large_client_header_buffers: the request line's and the headers' limits.</summary>
    public HeaderBuffers NginxHttpLargeClientHeaderBuffers { get; init; } = new(4, 8192);

    /// <summary>nginx_http_client_header_timeout: time to receive a request's headers.</summary>
    public TimeSpan NginxHttpClientHeaderTimeout { get; init; }

    /// <summary>nginx_http_client_body_timeout: longest wait between two reads of a buffered request body.</summary>
    public TimeSpan NginxHttpClientBodyTimeout { get; init; }

    /// <summary>nginx_http_keepalive_timeout: how long an idle client connection stays open.</summary>
    public TimeSpan NginxHttpKeepaliveTimeout { get; init; }

    /// <summary>nginx_events_worker_connections: most client connections open at once on proxy_listen.</summary>
    public int NginxEventsWorkerConnections { get; init; }

    /// <summary>mem_cache_size: bytes each of Kong's two entity-cache shared dicts holds; bounds proxy-cache's memory dictionaries of those names.</summary>
    public long MemCacheSize { get; init; }

    /// <summary>log_level.</summary>
    public GatewayLogLevel LogLevel { get; init; }

    /// <summary>plugin_latency_metrics: whether /metrics has gateway_plugin_latency_seconds (it costs a little on every plugin call).</summary>
    public bool PluginLatencyMetrics { get; init; }

    /// <summary>proxy_access_log: the access log's file (relative to prefix) and format; null when off.</summary>
    public (string Path, AccessLogFormat Format)? ProxyAccessLog { get; init; }

    /// <summary>tracing_instrumentations: what the node makes spans of (for the opentelemetry and zipkin plugins).</summary>
    public Gateway.Plugins.Sdk.Tracing.TracingInstrumentations TracingInstrumentations { get; init; }

    /// <summary>lua_ssl_trusted_certificate: the PEM files of the CAs plugins' own TLS connections trust (system: the system bundle's file).</summary>
    public IReadOnlyList<string> LuaSslTrustedCertificate { get; init; } = [];

    /// <summary>syslog_socket: the local syslog daemon's Unix datagram socket, where the syslog plugin writes.</summary>
    public string SyslogSocket { get; init; } = "/dev/log";

    /// <summary>tracing_sampling_rate: the share of traces exported when a plugin sets no sampling_rate.</summary>
    public double TracingSamplingRate { get; init; } = 0.01;

    /// <summary>log_format: text, or JSON lines.</summary>
    public LogFormat LogFormat { get; init; }

    /// <summary>enforce_rbac: which RBAC checks the Admin API makes.</summary>
    public RbacMode EnforceRbac { get; init; }

    /// <summary>rbac_auth_header: the header holding an RBAC user's token.</summary>
    public string RbacAuthHeader { get; init; } = "";

    /// <summary>rbac_auth_failures_per_minute: failed token checks allowed per client address and minute; 0 for no limit.</summary>
    public int RbacAuthFailuresPerMinute { get; init; }

    /// <summary>audit_log: whether Admin API requests and config changes are recorded.</summary>
    public bool AuditLog { get; init; }

    /// <summary>audit_log_ignore_methods: methods (upper case) whose requests make no record.</summary>
    public IReadOnlySet<string> AuditLogIgnoreMethods { get; init; } = new HashSet<string>();

    /// <summary>audit_log_ignore_paths: unanchored regexes on the request URI with its query; a match makes no record.</summary>
    public IReadOnlyList<Regex> AuditLogIgnorePaths { get; init; } = [];

    /// <summary>audit_log_ignore_tables: entities whose changes make no object record.</summary>
    public IReadOnlySet<string> AuditLogIgnoreTables { get; init; } = new HashSet<string>();

    /// <summary>audit_log_payload_exclude: keys and dotted paths removed from recorded payloads and entities.</summary>
    public AuditPayloadFilter AuditLogPayloadExclude { get; init; } = AuditPayloadFilter.Default;

    /// <summary>audit_log_record_ttl: seconds a record is kept.</summary>
    public long AuditLogRecordTtl { get; init; }

    /// <summary>audit_log_signing_key, loaded; null when records are not signed.</summary>
    public AuditSigner? AuditLogSigner { get; init; }

    /// <summary>audit_log_queue_size: request records a node holds while the database is away before it drops new ones.</summary>
    public int AuditLogQueueMax { get; init; }

    /// <summary>audit_log_sink: where every committed record is also streamed, an http(s) URL or a file path; null for nowhere.</summary>
    public string? AuditLogSink { get; init; }

    /// <summary>audit_log_sink_max_size: bytes a sink file reaches before it is rotated; 0 never rotates.</summary>
    public long AuditLogSinkMaxSize { get; init; }

    /// <summary>router_flavor.</summary>
    public RouterFlavor RouterFlavor { get; init; }

    /// <summary>The RBAC admin's token from <c>KONG_PASSWORD</c> or <c>GATEWAY_PASSWORD</c> (the latter wins), for seeding <c>kong_admin</c>; not a setting.</summary>
    public string? AdminPassword { get; init; }

    /// <summary>The effective raw value of every setting, by name, as it was written in its source.</summary>
    public IReadOnlyDictionary<string, string> Raw { get; init; } = new Dictionary<string, string>();

    /// <summary>Where each setting's value came from, by name: <c>default</c>, <c>conf file F line N</c>, <c>env X</c>, <c>--name</c>.</summary>
    public IReadOnlyDictionary<string, string> Origins { get; init; } = new Dictionary<string, string>();

    /// <summary>The raw values for display (Admin API <c>/</c>, logs), with secrets masked as Kong does.</summary>
    public IReadOnlyDictionary<string, string> ToDisplay()
    {
        var shown = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var definition in SettingsCatalog.All)
        {
            var value = Raw.GetValueOrDefault(definition.Name, definition.Default);
            shown[definition.Name] = definition.Secret && value.Length > 0 ? "******" : value;
        }

        return shown;
    }
}
