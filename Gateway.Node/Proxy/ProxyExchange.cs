using System.Diagnostics;
using System.Globalization;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// One proxied request's state, and the YARP transformer that writes Kong's upstream request headers
/// and response headers from it (kong/templates/nginx_kong.lua, kong/runloop/handler.lua). One small
/// object per request; the shared parts live in <see cref="ProxyOptions"/>.
/// </summary>
internal sealed class ProxyExchange : HttpTransformer
{
    /// <summary>The upstream headers Kong sets itself; a client's own values never reach the upstream unmodified.</summary>
    private static readonly string[] KongRequestHeaders =
        ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Path", "X-Forwarded-Prefix", "X-Real-IP", "X-Kong-Request-Id", HeaderNames.Via];

    private readonly ProxyOptions _options;

    public ProxyExchange(ProxyOptions options, RouteMatch match, string requestId, long started, ForwardedValues forwarded, string upstreamPathAndQuery)
    {
        _options = options;
        Match = match;
        RequestId = requestId;
        Started = started;
        Forwarded = forwarded;
        UpstreamPathAndQuery = upstreamPathAndQuery;
    }

    public RouteMatch Match { get; }

    public string RequestId { get; }

    public long Started { get; }

    public ForwardedValues Forwarded { get; }

    /// <summary>The escaped upstream path with the client's query string.</summary>
    public string UpstreamPathAndQuery { get; }

    /// <summary>The request's plugins, when any run: their upstream host and header filters apply here.</summary>
    public PluginRun? Plugins { get; init; }

    /// <summary>The peer of the current try.</summary>
    public Destination? Destination { get; set; }

    /// <summary>When the request was handed to the upstream (Stopwatch ticks); 0 before.</summary>
    public long SentAt { get; private set; }

    /// <summary>When the upstream's response headers arrived (Stopwatch ticks); 0 before.</summary>
    public long ReceivedAt { get; private set; }

    /// <summary>The upstream's status; 0 until it answered.</summary>
    public int UpstreamStatus { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = Destination!.UriFor(UpstreamPathAndQuery);

        var headers = proxyRequest.Headers;
        headers.Host = Plugins?.Context.UpstreamHost
            ?? (Match.Route.PreserveHost && Forwarded.RawHost.Length > 0 ? Forwarded.RawHost : Destination.HostHeader);

        // Only what the client (or a plugin) sent was copied: looking there first is cheaper than removing.
        var incoming = httpContext.Request.Headers;
        foreach (var name in KongRequestHeaders)
        {
            if (incoming.ContainsKey(name))
            {
                headers.Remove(name);
            }
        }

        headers.TryAddWithoutValidation("X-Forwarded-For", Forwarded.For);
        headers.TryAddWithoutValidation("X-Forwarded-Proto", Forwarded.Proto);
        headers.TryAddWithoutValidation("X-Forwarded-Host", Forwarded.Host);
        headers.TryAddWithoutValidation("X-Forwarded-Port", Forwarded.Port);
        headers.TryAddWithoutValidation("X-Forwarded-Path", Forwarded.Path);
        if (Forwarded.Prefix is { } prefix)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Prefix", prefix);
        }

        headers.TryAddWithoutValidation("X-Real-IP", Forwarded.RealIp);
        headers.TryAddWithoutValidation("X-Kong-Request-Id", RequestId);
        var via = incoming.Via;
        headers.TryAddWithoutValidation(HeaderNames.Via, via.Count == 0 ? _options.UpstreamVia : $"{via}, {_options.UpstreamVia}");
        SentAt = Stopwatch.GetTimestamp();
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        ReceivedAt = Stopwatch.GetTimestamp();
        if (proxyResponse is null)
        {
            return false;
        }

        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        UpstreamStatus = (int)proxyResponse.StatusCode;
        var enabled = _options.Headers;
        var headers = httpContext.Response.Headers;
        if (enabled.Via)
        {
            var via = ViaFor(httpContext.Request.Protocol);
            var upstream = headers.Via;
            headers.Via = upstream.Count == 0 ? via : $"{upstream}, {via}";
        }

        if (enabled.UpstreamLatency)
        {
            headers["X-Kong-Upstream-Latency"] = Milliseconds(SentAt, ReceivedAt);
        }

        if (enabled.ProxyLatency)
        {
            headers["X-Kong-Proxy-Latency"] = Milliseconds(Started, SentAt);
        }

        if (enabled.UpstreamStatus)
        {
            headers["X-Kong-Upstream-Status"] = UpstreamStatus.ToString(CultureInfo.InvariantCulture);
        }

        if (enabled.RequestId)
        {
            headers["X-Kong-Request-Id"] = RequestId;
        }

        if (Plugins is { } plugins)
        {
            if (plugins.BuffersBody)
            {
                // The body filters may change the body; its length is set when it is sent.
                headers.ContentLength = null;
            }

            plugins.HeaderFilter();
        }

        return true;
    }

    /// <summary>Whole milliseconds between two Stopwatch timestamps, as Kong's latency headers.</summary>
    public static string Milliseconds(long from, long to) =>
        ((long)Stopwatch.GetElapsedTime(from, to).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>Kong 3.8+'s RFC 9110 Via value for the client's HTTP version.</summary>
    private string ViaFor(string protocol) =>
        HttpProtocol.IsHttp2(protocol) ? _options.Via2
        : HttpProtocol.IsHttp3(protocol) ? _options.Via3
        : HttpProtocol.IsHttp10(protocol) ? _options.Via10
        : _options.UpstreamVia;
}
