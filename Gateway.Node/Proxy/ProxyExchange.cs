using System.Diagnostics;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// One client request on its way through the proxy, made once when it arrives: what every step of
/// <see cref="ProxyHandler"/> shares (the context, the request id, the start time, the plugin run, the
/// forwarded values, the match and the upstream target), and the YARP transformer that writes Kong's upstream
/// request headers (kong/templates/nginx_kong.lua) and hands the upstream's response headers to
/// <see cref="ResponsePhases"/>. Made by <see cref="ProxyHandler"/> and read by the types it calls, so none of
/// them takes the request's pieces one by one.
/// </summary>
internal sealed class ProxyExchange : HttpTransformer
{
    /// <summary>The upstream headers Kong sets itself; a client's own values never reach the upstream unmodified.</summary>
    private static readonly string[] KongRequestHeaders =
        ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Path", "X-Forwarded-Prefix", "X-Real-IP", "X-Kong-Request-Id", HeaderNames.Via];

    private readonly ForwardedHeaders _forwardedHeaders;
    private readonly bool _originForm;
    private readonly int _queryStart;
    private ForwardedValues _forwarded; // default (For null) until computed

    /// <summary>Starts the exchange of a request that just arrived.</summary>
    public ProxyExchange(HttpContext context, ProxyOptions options, ForwardedHeaders forwardedHeaders)
    {
        Started = Stopwatch.GetTimestamp();
        Context = context;
        RequestId = NewRequestId();
        Options = options;
        _forwardedHeaders = forwardedHeaders;
        RawTarget = WithoutFragment(context.Features.Get<IHttpRequestFeature>()?.RawTarget);

        // Absolute-form or asterisk-form targets: Kestrel's decoded path and query are the best there are.
        _originForm = RawTarget is { Length: > 0 } target && target[0] == '/';
        _queryStart = _originForm ? RawTarget!.IndexOf('?') : -1;
        RawPath = !_originForm ? DecodedPath(context.Request) : _queryStart < 0 ? RawTarget! : RawTarget![.._queryStart];
        Host = context.Request.Headers.Host.ToString();
        Path = UriNormalizer.Normalize(RawPath);
        SentConnection = ConnectionHeaderCapture.Take();
    }

    /// <summary>The node's proxy settings.</summary>
    public ProxyOptions Options { get; }

    /// <summary>The client's request and response.</summary>
    public HttpContext Context { get; }

    /// <summary>nginx's <c>$request_id</c>: X-Kong-Request-Id, and the request_id of error bodies.</summary>
    public string RequestId { get; }

    /// <summary>When the request arrived (Stopwatch ticks).</summary>
    public long Started { get; }

    /// <summary>The request target as the client sent it, without a fragment (nginx never forwards one); null when the server does not say.</summary>
    public string? RawTarget { get; }

    /// <summary>The path as the client sent it (percent-encodings intact), without the query.</summary>
    public string RawPath { get; }

    /// <summary>The path normalized as Kong does before routing.</summary>
    public string Path { get; }

    /// <summary>The Host header as sent (preserve_host passes it on).</summary>
    public string Host { get; }

    /// <summary>The client's Connection header as sent, the names of hop-by-hop headers included (Kestrel keeps only the option).</summary>
    public StringValues SentConnection { get; }

    /// <summary>The X-Forwarded-* and X-Real-IP values, computed on first use and kept for the request.</summary>
    public ref readonly ForwardedValues Forwarded
    {
        get
        {
            if (_forwarded.For is null)
            {
                _forwarded = _forwardedHeaders.Compute(Context, RawPath, Host);
            }

            return ref _forwarded;
        }
    }

    /// <summary>The request's tries, recorded when some plugin logs (<see cref="RecordTry"/>).</summary>
    public List<BalancerTry>? Tries { get; private set; }

    /// <summary>The request's spans, when it is traced (<see cref="RequestSpans"/>).</summary>
    public Gateway.Plugins.Sdk.Tracing.RequestTrace? Trace { get; set; }

    /// <summary>The request's plugins, when any run (at most one run per request).</summary>
    public PluginRun? Plugins { get; set; }

    /// <summary>The router's answer; null until routed.</summary>
    public RouteMatch? Match { get; private set; }

    /// <summary>The escaped upstream path (Kong's <c>upstream_uri</c> without its query); plugins may change it.</summary>
    public string UpstreamPath { get; set; } = "/";

    /// <summary>The upstream query, <c>?</c> included, as the client wrote it; empty when none. Plugins may change it.</summary>
    public string UpstreamQuery { get; set; } = "";

    /// <summary>The peer of the current try.</summary>
    public Destination? Destination { get; set; }

    /// <summary>When the request was handed to the upstream (Stopwatch ticks); 0 before.</summary>
    public long SentAt { get; private set; }

    /// <summary>When the upstream's response headers arrived (Stopwatch ticks); 0 before.</summary>
    public long ReceivedAt { get; private set; }

    /// <summary>The upstream's status; 0 until it answered.</summary>
    public int UpstreamStatus { get; private set; }

    /// <summary>Records the route the request matched and builds the upstream target from it, once.</summary>
    public void Routed(RouteMatch match)
    {
        Match = match;
        UpstreamPath = UriNormalizer.Escape(match.UpstreamPath);

        // The query goes on as the client wrote it, an empty one ("/path?") included, as Kong does.
        UpstreamQuery = _queryStart >= 0 ? RawTarget![_queryStart..] : _originForm ? "" : Context.Request.QueryString.Value ?? "";
    }

    /// <summary>Records a try that began at <paramref name="started"/> (a Stopwatch timestamp), when a plugin will log it.</summary>
    public void RecordTry(Destination destination, long started, ForwarderError error)
    {
        if (Plugins is not { Logs: true })
        {
            return;
        }

        var latency = Stopwatch.GetElapsedTime(started);
        var startedAt = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks - latency.Ticks) * 100;
        var (host, port) = destination.Peer;
        var failed = error != ForwarderError.None;
        (Tries ??= []).Add(new BalancerTry(startedAt, latency.Ticks * 100, host, port, failed ? "failed" : null, failed ? ForwarderFailures.StatusOf(error, Context) : null));
    }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = Destination!.UriFor(UpstreamPath, UpstreamQuery);
        if (Trace is { } trace)
        {
            proxyRequest.Options.Set(UpstreamConnector.TraceOption, trace);
        }
        var incoming = httpContext.Request.Headers;
        HopByHopHeaders.RemoveFromRequest(SentConnection, incoming, proxyRequest);

        var headers = proxyRequest.Headers;
        headers.Host = Plugins?.Context.UpstreamHost
            ?? (Match!.Route.PreserveHost && Host.Length > 0 ? Host : Destination.HostHeader);

        // Only what the client (or a plugin) sent was copied: looking there first is cheaper than removing.
        foreach (var name in KongRequestHeaders)
        {
            if (incoming.ContainsKey(name))
            {
                headers.Remove(name);
            }
        }

        ref readonly var forwarded = ref Forwarded;
        headers.TryAddWithoutValidation("X-Forwarded-For", forwarded.For);
        headers.TryAddWithoutValidation("X-Forwarded-Proto", forwarded.Proto);
        headers.TryAddWithoutValidation("X-Forwarded-Host", forwarded.Host);
        headers.TryAddWithoutValidation("X-Forwarded-Port", forwarded.Port);
        headers.TryAddWithoutValidation("X-Forwarded-Path", forwarded.Path);
        if ((forwarded.Prefix ?? StrippedPrefix(Match!)) is { } prefix)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Prefix", prefix);
        }

        headers.TryAddWithoutValidation("X-Real-IP", forwarded.RealIp);
        headers.TryAddWithoutValidation("X-Kong-Request-Id", RequestId);
        var via = incoming.Via;
        headers.TryAddWithoutValidation(HeaderNames.Via, via.Count == 0 ? Options.UpstreamVia : $"{via}, {Options.UpstreamVia}");
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
        HopByHopHeaders.RemoveFromResponse(proxyResponse, httpContext.Response.Headers);
        UpstreamStatus = (int)proxyResponse.StatusCode;
        ResponsePhases.WriteHeaders(this, fromUpstream: true);
        return true;
    }

    /// <summary>What strip_path took off, sent as X-Forwarded-Prefix unless it is <c>/</c>.</summary>
    private static string? StrippedPrefix(RouteMatch match) => match.StrippedPrefix is { } stripped && stripped != "/" ? stripped : null;

    /// <summary>A 32-hex-digit request id, as nginx's <c>$request_id</c>.</summary>
    /// <remarks>
    /// 128 bits from the per-thread generator behind <see cref="Random.Shared"/> (seeded from the OS):
    /// a correlation id needs no secrecy, and <see cref="Guid.NewGuid"/> makes a getrandom system call
    /// per request on Linux.
    /// </remarks>
    private static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The target up to its <c>#</c>: a fragment belongs to the client, and Kestrel passes one on as part of the target.</summary>
    private static string? WithoutFragment(string? target)
    {
        var hash = target is null ? -1 : target.IndexOf('#');
        return hash < 0 ? target : target![..hash];
    }

    private static string DecodedPath(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).Value;
        return string.IsNullOrEmpty(path) ? "/" : path;
    }
}
