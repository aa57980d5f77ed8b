using System.Diagnostics;
using System.Globalization;
using Gateway.Node.Observability;
using Gateway.Node.Pipeline;

namespace Gateway.Node.Proxy;

/// <summary>
/// The response side of one request, the same for the upstream's answer (<see cref="ProxyExchange"/>,
/// <see cref="FinishUpstreamAsync"/>) and the gateway's own (<see cref="GatewayAnswers"/>), in Kong's order: Kong's
/// response headers and the plugins' header_filter, the body_filter over a whole body, and the log phase once
/// the response is complete. Each runs from here only.
/// </summary>
internal static class ResponsePhases
{
    /// <summary>Kong's own response headers (per the <c>headers</c> setting), then the plugins' header filters.</summary>
    /// <param name="exchange">The request.</param>
    /// <param name="fromUpstream">Whether the headers are the upstream's (Via, latencies, upstream status) or the gateway's own answer's (Server, response latency).</param>
    public static void WriteHeaders(ProxyExchange exchange, bool fromUpstream)
    {
        var options = exchange.Options;
        var enabled = options.Headers;
        var context = exchange.Context;
        var headers = context.Response.Headers;
        if (fromUpstream)
        {
            if (enabled.Via)
            {
                var via = ViaFor(options, context.Request.Protocol);
                var upstream = headers.Via;
                headers.Via = upstream.Count == 0 ? via : $"{upstream}, {via}";
            }

            if (enabled.UpstreamLatency)
            {
                headers["X-Kong-Upstream-Latency"] = Milliseconds(exchange.SentAt, exchange.ReceivedAt);
            }

            if (enabled.ProxyLatency)
            {
                headers["X-Kong-Proxy-Latency"] = Milliseconds(exchange.Started, exchange.SentAt);
            }

            if (enabled.UpstreamStatus)
            {
                headers["X-Kong-Upstream-Status"] = exchange.UpstreamStatus.ToString(CultureInfo.InvariantCulture);
            }
        }
        else
        {
            if (enabled.Server)
            {
                headers.Server = options.ServerToken;
            }

            if (enabled.ResponseLatency)
            {
                headers["X-Kong-Response-Latency"] = Milliseconds(exchange.Started, Stopwatch.GetTimestamp());
            }
        }

        if (enabled.RequestId)
        {
            headers["X-Kong-Request-Id"] = exchange.RequestId;
        }

        if (exchange.Plugins is { } plugins)
        {
            if (fromUpstream && plugins.BuffersBody)
            {
                // The body filters may change the upstream's body; its length is set when it is sent.
                headers.ContentLength = null;
            }

            plugins.HeaderFilter();
        }
    }

    /// <summary>Sends a whole body through the plugins' body filters (when some plugin has one), then to the client.</summary>
    /// <param name="exchange">The request.</param>
    /// <param name="body">The body.</param>
    /// <param name="lengthKnown">Whether to set Content-Length; always set after a body filter, which may change the length.</param>
    /// <returns>The length of what was sent.</returns>
    public static async ValueTask<long> WriteBodyAsync(ProxyExchange exchange, ReadOnlyMemory<byte> body, bool lengthKnown)
    {
        if (exchange.Plugins is { BuffersBody: true } plugins)
        {
            body = plugins.BodyFilter(body);
            lengthKnown = true;
        }

        var context = exchange.Context;
        var response = context.Response;
        if (lengthKnown && !response.HasStarted)
        {
            response.ContentLength = body.Length;
        }

        if (body.Length > 0)
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }

        return body.Length;
    }

    /// <summary>After the upstream's response: the body filters' output, when the body was buffered, then the log phase.</summary>
    /// <param name="exchange">The request.</param>
    /// <param name="capture">What the body went through; null when it went straight through (a traced request without other logging).</param>
    public static async ValueTask FinishUpstreamAsync(ProxyExchange exchange, ResponseCapture? capture)
    {
        long? sent = null;
        if (capture?.Buffer is { } buffer)
        {
            sent = await WriteBodyAsync(exchange, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), lengthKnown: true);
        }

        await LogAsync(exchange, fromUpstream: true, sent, capture?.Counter);
    }

    /// <summary>
    /// After the response completed: the trace ended and handed to the tracing plugins, the access log line, and Kong's
    /// log phase (when some plugin logs): the one place each is made.
    /// </summary>
    /// <param name="exchange">The request.</param>
    /// <param name="fromUpstream">Whether the upstream answered (its status, timings and URI are logged) or the gateway did.</param>
    /// <param name="bodySize">The body's length when known; null when <paramref name="streamed"/> counted it.</param>
    /// <param name="streamed">The counter a streamed body went through.</param>
    public static async ValueTask LogAsync(ProxyExchange exchange, bool fromUpstream, long? bodySize, CountingStream? streamed)
    {
        var run = exchange.Plugins;
        var trace = run is { Exports: true } ? exchange.Trace : null;
        var plugins = run is { Logs: true } ? run : null;
        var accessLog = exchange.Options.AccessLog;
        if (plugins is null && trace is null && accessLog is null)
        {
            return;
        }

        var response = exchange.Context.Response;
        await response.CompleteAsync();
        if (trace is not null)
        {
            RequestSpans.End(trace, response.StatusCode, exchange.Match?.Route);
            run!.Export(trace);
        }

        accessLog?.Write(AccessLineOf(exchange, fromUpstream, bodySize ?? streamed?.Written ?? 0));
        if (plugins is null)
        {
            return;
        }

        // Kestrel names the framing it chose (HTTP/1.1 without Content-Length) in the response's headers.
        var size = bodySize ?? streamed?.OnTheWire(response.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase)) ?? 0;
        plugins.QueueLog(PluginLogs.Build(
            plugins.Context,
            exchange.Started,
            fromUpstream ? exchange.SentAt : 0,
            fromUpstream ? exchange.ReceivedAt : 0,
            fromUpstream ? exchange.UpstreamStatus : 0,
            fromUpstream ? string.Concat(exchange.UpstreamPath, exchange.UpstreamQuery) : null,
            size,
            exchange.Tries));
    }

    private static AccessLogEntry AccessLineOf(ProxyExchange exchange, bool fromUpstream, long bodyBytes)
    {
        var context = exchange.Context;
        var request = context.Request;
        var elapsed = Stopwatch.GetElapsedTime(exchange.Started);
        var route = exchange.Match?.Route;
        var service = route?.Service;
        return new AccessLogEntry(
            DateTimeOffset.Now - elapsed,
            exchange.Forwarded.RealIp,
            exchange.RequestId,
            request.Method,
            exchange.RawTarget ?? exchange.RawPath,
            request.Protocol,
            context.Response.StatusCode,
            bodyBytes,
            elapsed,
            fromUpstream ? exchange.UpstreamStatus : 0,
            request.Headers.Referer.Count == 0 ? null : request.Headers.Referer.ToString(),
            request.Headers.UserAgent.Count == 0 ? null : request.Headers.UserAgent.ToString(),
            route?.Name ?? route?.Id,
            service?.Name ?? service?.Id);
    }

    /// <summary>Whole milliseconds between two Stopwatch timestamps, as Kong's latency headers.</summary>
    private static string Milliseconds(long from, long to) =>
        ((long)Stopwatch.GetElapsedTime(from, to).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>Kong 3.8+'s RFC 9110 Via value for the client's HTTP version.</summary>
    private static string ViaFor(ProxyOptions options, string protocol) =>
        HttpProtocol.IsHttp2(protocol) ? options.Via2
        : HttpProtocol.IsHttp3(protocol) ? options.Via3
        : HttpProtocol.IsHttp10(protocol) ? options.Via10
        : options.UpstreamVia;
}
