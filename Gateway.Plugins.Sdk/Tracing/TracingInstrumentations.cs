namespace Gateway.Plugins.Sdk.Tracing;

/// <summary>What a node makes spans of: kong.conf's <c>tracing_instrumentations</c> (kong.conf.default).</summary>
[Flags]
public enum TracingInstrumentations
{
    /// <summary><c>off</c>: no spans; a tracing plugin still propagates headers.</summary>
    None = 0,

    /// <summary><c>request</c>: the root span, <c>kong</c>.</summary>
    Request = 1,

    /// <summary><c>db_query</c>: <c>kong.database.query</c> for look-ups that leave the node's cache.</summary>
    DbQuery = 2,

    /// <summary><c>dns_query</c>: <c>kong.dns</c> when a name is resolved for a new upstream connection.</summary>
    DnsQuery = 4,

    /// <summary><c>router</c>: <c>kong.router</c>.</summary>
    Router = 8,

    /// <summary><c>http_client</c>: <c>kong.internal.request</c> (no bundled plugin makes one on a request's path).</summary>
    HttpClient = 16,

    /// <summary><c>balancer</c>: one <c>kong.balancer</c> span per try.</summary>
    Balancer = 32,

    /// <summary><c>plugin_rewrite</c>: <c>kong.rewrite.plugin.NAME</c>.</summary>
    PluginRewrite = 64,

    /// <summary><c>plugin_access</c>: <c>kong.access.plugin.NAME</c>.</summary>
    PluginAccess = 128,

    /// <summary><c>plugin_header_filter</c>: <c>kong.header_filter.plugin.NAME</c>.</summary>
    PluginHeaderFilter = 256,

    /// <summary><c>all</c>.</summary>
    All = Request | DbQuery | DnsQuery | Router | HttpClient | Balancer | PluginRewrite | PluginAccess | PluginHeaderFilter,
}
