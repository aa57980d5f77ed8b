using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// Serves client traffic on proxy_listen, as Kong's runloop does: match a route on the current
/// snapshot (read once per request), turn away plain HTTP on https-only routes, pick a peer through
/// <see cref="IDestinationResolver"/>, and forward with YARP's <see cref="IHttpForwarder"/> (bodies
/// streamed both ways, pooled connections, WebSocket and gRPC pass-through), retrying failed
/// connections up to the service's <c>retries</c>. Answers Kong's 404, 426, 502, 503 and 504 itself.
/// Plugins run in Kong's phases around it (see Pipeline/README.md); a route none applies to skips them all.
/// </summary>
public sealed class ProxyHandler(
    ConfigSnapshotProvider snapshots,
    IHttpForwarder forwarder,
    UpstreamClients clients,
    IDestinationResolver resolver,
    ProxyOptions options,
    IConsumerStore consumers,
    ILoggerFactory loggers)
{
    private readonly ILogger _pluginLogger = loggers.CreateLogger("Gateway.Node.Pipeline.PluginRun");

    private readonly ForwardedHeaders _forwardedHeaders = new(options);

    private const string NoRouteMessage = "no Route matched with those values";

    /// <summary>Answers one proxied request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = NewRequestId();
        var snapshot = snapshots.Current;
        var chains = snapshot.Plugins;
        var request = context.Request;

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var rawPath = RawPath(rawTarget, request);
        var host = request.Headers.Host.ToString();
        var path = UriNormalizer.Normalize(rawPath);
        PluginRun? run = null;
        if (chains.Rewrite.Count > 0)
        {
            // Kong runs the rewrite phase before routing, for global plugins only.
            run = NewRun(context, requestId, _forwardedHeaders.Compute(context, rawPath, host, null), path);
            await run.RewriteAsync(chains.Rewrite);
            if (run.Context.Exited is { } early)
            {
                run.CollectOnly(chains.Globals);
                await WritePluginExitAsync(context, run, early, requestId, started);
                return;
            }
        }

        var routeRequest = new RouteRequest(
            request.Method,
            path,
            host,
            context.Connection.LocalPort,
            request.IsHttps,
            request.IsHttps ? context.Features.Get<ITlsHandshakeFeature>()?.HostName : null,
            request.Headers);
        var match = snapshot.Routes.Match(routeRequest);
        if (match is null)
        {
            run = EarlyRun(run, context, chains, requestId, rawPath, host, routeRequest.Path);
            await WriteKongErrorAsync(context, 404, NoRouteMessage, requestId, started, ErrorTemplates.ForResponseError(request.Headers.Accept), run);
            return;
        }

        var forwarded = _forwardedHeaders.Compute(context, rawPath, host, match.StrippedPrefix);
        var route = match.Route;
        if (RunloopChecks.Find(context, route, forwarded.Proto) is { } refusal)
        {
            run = EarlyRun(run, context, chains, requestId, rawPath, host, routeRequest.Path);
            await (refusal == RunloopRefusal.HttpsRequired
                ? RejectPlainHttpAsync(context, route, forwarded, rawTarget ?? rawPath, requestId, started, run)
                : RejectGrpcMismatchAsync(context, refusal, requestId, started, run));
            return;
        }

        // The query goes on as the client wrote it, an empty one ("/path?") included, as Kong does.
        var queryStart = rawTarget?.IndexOf('?') ?? -1;
        var upstream = queryStart >= 0 && rawTarget![0] == '/'
            ? string.Concat(UriNormalizer.Escape(match.UpstreamPath), rawTarget.AsSpan(queryStart))
            : UriNormalizer.Escape(match.UpstreamPath) + request.QueryString.Value;
        var plan = chains.ForRoute(route.Id);
        if (!plan.IsEmpty)
        {
            run ??= NewRun(context, requestId, forwarded, routeRequest.Path);
            var plugins = run.Context;
            plugins.SetRoute(route.Row, route.Id, match.Service?.Row, match.Service?.Id);
            if (match.Captures is { } captures)
            {
                plugins.UriCaptures = captures.Numbered;
                plugins.NamedUriCaptures = captures.Named;
            }

            var split = upstream.IndexOf('?');
            plugins.UpstreamPath = split < 0 ? upstream : upstream[..split];
            plugins.UpstreamQuery = split < 0 ? "" : upstream[split..];
            await run.AccessAsync(plan);
            if (plugins.Exited is { } exit)
            {
                await WritePluginExitAsync(context, run, exit, requestId, started);
                return;
            }

            upstream = plugins.UpstreamQuery.Length == 0 ? plugins.UpstreamPath : plugins.UpstreamPath + plugins.UpstreamQuery;
        }
        else if (run is not null)
        {
            // Only global rewrite plugins ran: they still see the response, as Kong's global iterator.
            run.CollectOnly(chains.Globals);
        }

        if (match.Service is not { } service)
        {
            // kong.response.exit(503, { message = ... }) in Kong.access, after the plugins: always compact JSON.
            await WriteKongBodyAsync(context, 503, ErrorTemplates.Json, """{"message":"no Service found with those values"}""", requestId, started, run);
            return;
        }

        var exchange = new ProxyExchange(options, match, requestId, started, forwarded, upstream) { Plugins = run };
        var servicePlan = clients.PlanFor(service);
        var config = HttpProtocol.IsHttp2(request.Protocol) ? servicePlan.Http2 : servicePlan.Http1;
        var retriable = CanRetry(context);
        var originalBody = context.Response.Body;
        var buffer = run is { BuffersBody: true } ? new MemoryStream() : null;
        for (var attempt = 0; ; attempt++)
        {
            if (!resolver.TryResolve(snapshot, service, context, match, attempt, out var destination, out var failure))
            {
                await WriteKongErrorAsync(context, 503, failure ?? "failure to get a peer from the ring-balancer", requestId, started, ErrorTemplates.ForResponseError(request.Headers.Accept), run);
                return;
            }

            exchange.Destination = destination;
            ForwarderError error;
            // A body filter needs the whole body: the upstream writes into a buffer, sent after the filters. A log
            // phase needs the size of a streamed body: it goes through a counter.
            Stream? body = buffer is not null ? buffer : run is { Logs: true } ? new CountingStream(originalBody) : null;
            if (body is null)
            {
                error = await forwarder.SendAsync(context, destination!.Prefix, servicePlan.Invoker, config, exchange);
            }
            else
            {
                buffer?.SetLength(0);
                context.Response.Body = body;
                try
                {
                    error = await forwarder.SendAsync(context, destination!.Prefix, servicePlan.Invoker, config, exchange);
                }
                finally
                {
                    context.Response.Body = originalBody;
                }
            }

            var latency = exchange.SentAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(exchange.SentAt);
            resolver.Report(destination, error, exchange.UpstreamStatus, latency);
            if (error == ForwarderError.None)
            {
                if (run is not null)
                {
                    await FinishProxiedAsync(context, run, exchange, buffer, body as CountingStream);
                }

                return;
            }

            if (retriable && attempt < service.Retries && !context.Response.HasStarted && error is ForwarderError.Request or ForwarderError.RequestTimedOut
                && !IsNameResolutionFailure(context.Features.Get<IForwarderErrorFeature>()?.Exception))
            {
                // nginx's proxy_next_upstream: a failure before any response byte is tried again.
                context.Features.Set<IForwarderErrorFeature>(null);
                context.Response.StatusCode = StatusCodes.Status200OK;
                continue;
            }

            await WriteProxyErrorAsync(context, error, requestId, started, run);
            return;
        }
    }

    private PluginRun NewRun(HttpContext context, string requestId, ForwardedValues forwarded, string path) =>
        new(new PluginContext(context, requestId, forwarded.RealIp, forwarded.Proto, forwarded.Host, path, consumers), _pluginLogger);

    /// <summary>For answers the gateway gives before access: the global plugins' header filter and log, as Kong's global iterator.</summary>
    private PluginRun? EarlyRun(PluginRun? run, HttpContext context, PluginChains chains, string requestId, string rawPath, string host, string path)
    {
        if (chains.Globals.IsEmpty)
        {
            return run;
        }

        run ??= NewRun(context, requestId, _forwardedHeaders.Compute(context, rawPath, host, null), path);
        run.CollectOnly(chains.Globals);
        return run;
    }

    /// <summary>After a proxied response: the body filters' output (when buffered) and the log phase.</summary>
    /// <param name="streamed">The body's counter on its way out, when not buffered.</param>
    private static async Task FinishProxiedAsync(HttpContext context, PluginRun run, ProxyExchange exchange, MemoryStream? buffer, CountingStream? streamed)
    {
        var response = context.Response;
        long? buffered = null;
        if (buffer is not null)
        {
            var body = run.BodyFilter(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            buffered = body.Length;
            if (!response.HasStarted)
            {
                response.ContentLength = body.Length;
            }

            await response.Body.WriteAsync(body, context.RequestAborted);
        }

        if (run.Logs)
        {
            await response.CompleteAsync();

            // Kestrel names the framing it chose (HTTP/1.1 without Content-Length) in the response's headers.
            var chunked = response.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
            var size = buffered ?? streamed?.OnTheWire(chunked) ?? 0;
            run.QueueLog(PluginLogs.Build(run.Context, exchange.Started, exchange.SentAt, exchange.ReceivedAt, exchange.UpstreamStatus, exchange.UpstreamPathAndQuery, size));
        }
    }

    /// <summary>Writes a plugin's answer (kong.response.exit or kong.response.error) through the header and body filters, then logs.</summary>
    private async Task WritePluginExitAsync(HttpContext context, PluginRun run, PluginExit exit, string requestId, long started)
    {
        var response = context.Response;
        response.StatusCode = exit.Status;
        var contentType = exit.ContentType;
        foreach (var (name, value) in exit.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }

        var body = exit.Body;
        if (exit.IsError)
        {
            contentType ??= ErrorTemplates.ForResponseError(context.Request.Headers.Accept);
            body = ErrorTemplates.Render(contentType, body ?? PluginMessages.ForStatus(exit.Status), requestId);
        }

        if (contentType is not null)
        {
            response.ContentType = contentType;
        }

        await WriteKongBodyAsync(context, exit.Status, contentType, body, requestId, started, run);
    }

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

    /// <summary>The path as the client sent it (percent-encodings intact), without the query.</summary>
    private static string RawPath(string? rawTarget, HttpRequest request)
    {
        if (rawTarget is null || rawTarget.Length == 0 || rawTarget[0] != '/')
        {
            // Absolute-form or asterisk-form targets: Kestrel's decoded path is the best there is.
            var path = request.PathBase.Add(request.Path).Value;
            return string.IsNullOrEmpty(path) ? "/" : path;
        }

        var query = rawTarget.IndexOf('?');
        return query < 0 ? rawTarget : rawTarget[..query];
    }

    /// <summary>Only idempotent methods without a body are tried again (the body is streamed, not buffered).</summary>
    private static bool CanRetry(HttpContext context)
    {
        var method = context.Request.Method;
        var idempotent = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);
        return idempotent && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true;
    }

    /// <summary>Kong's answer to plain HTTP on an https-only route: 426, or a redirect to https.</summary>
    private Task RejectPlainHttpAsync(HttpContext context, RouteModel route, ForwardedValues forwarded, string requestUri, string requestId, long started, PluginRun? run)
    {
        var response = context.Response;
        if (route.HttpsRedirectStatusCode is 301 or 302 or 307 or 308)
        {
            response.Headers.Location = $"https://{forwarded.Host}{requestUri}";
            response.ContentLength = 0;
            return WriteKongBodyAsync(context, route.HttpsRedirectStatusCode, null, null, requestId, started, run);
        }

        response.Headers.Connection = "Upgrade";
        response.Headers.Upgrade = "TLS/1.2, HTTP/1.1";
        return WriteKongBodyAsync(context, 426, ErrorTemplates.Json, new JsonObject { ["message"] = "Please use HTTPS protocol" }.ToJsonString(), requestId, started, run);
    }

    private Task RejectGrpcMismatchAsync(HttpContext context, RunloopRefusal refusal, string requestId, long started, PluginRun? run)
    {
        switch (refusal)
        {
            case RunloopRefusal.Http2Required:
                context.Response.Headers.Connection = "Upgrade";
                context.Response.Headers.Upgrade = "HTTP/2";
                return WriteKongBodyAsync(context, 426, ErrorTemplates.Json, """{"message":"Please use HTTP2 protocol"}""", requestId, started, run);
            case RunloopRefusal.NotGrpc:
                return WriteKongBodyAsync(context, 415, ErrorTemplates.Json, """{"message":"Non-gRPC request matched gRPC route"}""", requestId, started, run);
            default:
                context.Response.Headers["grpc-status"] = "1";
                context.Response.Headers["grpc-message"] = "gRPC request matched gRPCs route";
                return WriteKongBodyAsync(context, 200, null, null, requestId, started, run);
        }
    }

    private Task WriteProxyErrorAsync(HttpContext context, ForwarderError error, string requestId, long started, PluginRun? run)
    {
        if (context.Response.HasStarted)
        {
            // The upstream's answer is already on its way: the connection is cut, nothing to add.
            return Task.CompletedTask;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (error == ForwarderError.Request && IsNameResolutionFailure(exception))
        {
            // Kong's balancer answers a DNS failure with 503 before any connection is tried.
            return WriteKongErrorAsync(context, 503, "name resolution failed", requestId, started, ErrorTemplates.ForResponseError(context.Request.Headers.Accept), run);
        }

        var status = error switch
        {
            ForwarderError.RequestTimedOut => 504,
            ForwarderError.Request when IsTimeout(exception) => 504,
            ForwarderError.RequestBodyClient => 400,
            ForwarderError.NoAvailableDestinations => 503,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => 499,
            _ => 502,
        };
        if (status == 499)
        {
            // The client went away; nobody reads an answer.
            return Task.CompletedTask;
        }

        var message = status switch
        {
            400 => "Bad request",
            503 => "The upstream server is currently unavailable",
            504 => "The upstream server is timing out",
            _ => "An invalid response was received from the upstream server",
        };
        var headers = context.Request.Headers;
        return WriteKongErrorAsync(context, status, message, requestId, started, ErrorTemplates.ForProxyError(headers.Accept, headers.ContentType), run);
    }

    private static bool IsNameResolutionFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData or System.Net.Sockets.SocketError.TryAgain })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTimeout(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private Task WriteKongErrorAsync(HttpContext context, int status, string message, string requestId, long started, string mimeType, PluginRun? run = null)
    {
        if (mimeType == ErrorTemplates.Json && status == 404)
        {
            // kong.response.error with JSON: the compact cjson encoding of {message, request_id}.
            var body = new JsonObject { ["message"] = message, ["request_id"] = requestId }.ToJsonString();
            return WriteKongBodyAsync(context, status, mimeType, body, requestId, started, run);
        }

        return WriteKongBodyAsync(context, status, mimeType, ErrorTemplates.Render(mimeType, message, requestId), requestId, started, run);
    }

    /// <summary>Writes an answer the gateway (or a plugin) makes: Kong's headers, the plugins' header and body filters, then the log phase.</summary>
    private async Task WriteKongBodyAsync(HttpContext context, int status, string? contentType, string? body, string requestId, long started, PluginRun? run = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (contentType is not null)
        {
            response.ContentType = contentType;
        }

        AddKongHeaders(response, requestId, started);
        if (run is null)
        {
            if (body is not null)
            {
                await response.WriteAsync(body, context.RequestAborted);
            }

            return;
        }

        // Kong's order: header filters, then body filters, then the bytes go out.
        run.HeaderFilter();
        ReadOnlyMemory<byte> bytes = body is null ? ReadOnlyMemory<byte>.Empty : System.Text.Encoding.UTF8.GetBytes(body);
        if (run.BuffersBody)
        {
            bytes = run.BodyFilter(bytes);
        }

        if (body is not null || run.BuffersBody)
        {
            response.ContentLength = bytes.Length;
        }

        if (bytes.Length > 0)
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }

        if (run.Logs)
        {
            await response.CompleteAsync();
            run.QueueLog(PluginLogs.Build(run.Context, started, 0, 0, 0, null, bytes.Length));
        }
    }

    /// <summary>The headers Kong puts on responses it makes itself.</summary>
    private void AddKongHeaders(HttpResponse response, string requestId, long started)
    {
        var enabled = options.Headers;
        if (enabled.Server)
        {
            response.Headers.Server = options.ServerToken;
        }

        if (enabled.ResponseLatency)
        {
            response.Headers["X-Kong-Response-Latency"] = ProxyExchange.Milliseconds(started, Stopwatch.GetTimestamp());
        }

        if (enabled.RequestId)
        {
            response.Headers["X-Kong-Request-Id"] = requestId;
        }
    }

}
