namespace Gateway.Node.Proxy;

/// <summary>Which of Kong's response headers the proxy adds, from the <c>headers</c> setting.</summary>
public sealed class ProxyHeaders
{
    /// <summary>Reads the setting's values (Kong's spelling; <c>server_tokens</c> and <c>latency_tokens</c> are groups).</summary>
    public ProxyHeaders(IReadOnlyList<string> enabled)
    {
        bool Has(string name) => enabled.Contains(name, StringComparer.OrdinalIgnoreCase);
        var serverTokens = Has("server_tokens");
        var latencyTokens = Has("latency_tokens");
        Server = serverTokens || Has("Server");
        Via = serverTokens || Has("Via");
        ProxyLatency = latencyTokens || Has("X-Kong-Proxy-Latency");
        UpstreamLatency = latencyTokens || Has("X-Kong-Upstream-Latency");
        ResponseLatency = latencyTokens || Has("X-Kong-Response-Latency");
        UpstreamStatus = Has("X-Kong-Upstream-Status");
        RequestId = Has("X-Kong-Request-Id");
    }

    /// <summary>Server: kong/x on responses Kong makes itself.</summary>
    public bool Server { get; }

    /// <summary>Via on proxied responses.</summary>
    public bool Via { get; }

    /// <summary>X-Kong-Proxy-Latency on proxied responses.</summary>
    public bool ProxyLatency { get; }

    /// <summary>X-Kong-Upstream-Latency on proxied responses.</summary>
    public bool UpstreamLatency { get; }

    /// <summary>X-Kong-Response-Latency on responses Kong makes itself.</summary>
    public bool ResponseLatency { get; }

    /// <summary>X-Kong-Upstream-Status on proxied responses.</summary>
    public bool UpstreamStatus { get; }

    /// <summary>X-Kong-Request-Id on every response.</summary>
    public bool RequestId { get; }
}
