using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Routing;
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
/// </summary>
public sealed class ProxyHandler(
    ConfigSnapshotProvider snapshots,
    IHttpForwarder forwarder,
    UpstreamClients clients,
    IDestinationResolver resolver,
    ProxyOptions options)
{
    private const string NoRouteMessage = "no Route matched with those values";

    /// <summary>The last local port seen and its text: proxies listen on a port or two, so this saves a string per request.</summary>
    private PortText _portText = new(0, "0");

    /// <summary>Answers one proxied request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = NewRequestId();
        var snapshot = snapshots.Current;
        var request = context.Request;

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var rawPath = RawPath(rawTarget, request);
        var host = request.Headers.Host.ToString();
        var routeRequest = new RouteRequest(
            request.Method,
            UriNormalizer.Normalize(rawPath),
            host,
            context.Connection.LocalPort,
            request.IsHttps,
            request.IsHttps ? context.Features.Get<ITlsHandshakeFeature>()?.HostName : null,
            request.Headers);
        var match = snapshot.Routes.Match(routeRequest);
        if (match is null)
        {
            await WriteKongErrorAsync(context, 404, NoRouteMessage, requestId, started, ErrorTemplates.ForResponseError(request.Headers.Accept));
            return;
        }

        var forwarded = Forward(context, rawPath, host, match);
        var route = match.Route;
        if (route.HttpsOnly && forwarded.Proto != "https")
        {
            await RejectPlainHttpAsync(context, route, forwarded, rawTarget ?? rawPath, requestId, started);
            return;
        }

        if ((route.Protocols & (RouteProtocols.Grpc | RouteProtocols.Grpcs)) != 0 && RejectGrpcMismatch(context, route, forwarded, requestId, started) is { } rejected)
        {
            await rejected;
            return;
        }

        if (match.Service is not { } service)
        {
            // kong.response.exit(503, { message = ... }) in Kong.access: always compact JSON.
            await WriteKongBodyAsync(context, 503, ErrorTemplates.Json, """{"message":"no Service found with those values"}""", requestId, started);
            return;
        }

        // The query goes on as the client wrote it, an empty one ("/path?") included, as Kong does.
        var queryStart = rawTarget?.IndexOf('?') ?? -1;
        var upstream = queryStart >= 0 && rawTarget![0] == '/'
            ? string.Concat(UriNormalizer.Escape(match.UpstreamPath), rawTarget.AsSpan(queryStart))
            : UriNormalizer.Escape(match.UpstreamPath) + request.QueryString.Value;
        var exchange = new ProxyExchange(options, match, requestId, started, forwarded, upstream);
        var plan = clients.PlanFor(service);
        var config = HttpProtocol.IsHttp2(request.Protocol) ? plan.Http2 : plan.Http1;
        var retriable = CanRetry(context);
        for (var attempt = 0; ; attempt++)
        {
            if (!resolver.TryResolve(snapshot, service, context, match, attempt, out var destination, out var failure))
            {
                await WriteKongErrorAsync(context, 503, failure ?? "failure to get a peer from the ring-balancer", requestId, started, ErrorTemplates.ForResponseError(request.Headers.Accept));
                return;
            }

            exchange.Destination = destination;
            var error = await forwarder.SendAsync(context, destination!.Prefix, plan.Invoker, config, exchange);
            var latency = exchange.SentAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(exchange.SentAt);
            resolver.Report(destination, error, exchange.UpstreamStatus, latency);
            if (error == ForwarderError.None)
            {
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

            await WriteProxyErrorAsync(context, error, requestId, started);
            return;
        }
    }

    /// <summary>A 32-hex-digit request id, as nginx's <c>$request_id</c>.</summary>
    private static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes);
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

    private ForwardedValues Forward(HttpContext context, string rawPath, string host, RouteMatch match)
    {
        var request = context.Request;
        var headers = request.Headers;
        var remote = context.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        var realIp = remote?.ToString() ?? "";
        var clientFor = headers["X-Forwarded-For"];
        var forwardedFor = clientFor.Count == 0 ? realIp : $"{clientFor}, {realIp}";
        var scheme = request.IsHttps ? "https" : "http";
        var hostName = HostName(host);
        var localPort = context.Connection.LocalPort;
        var cached = Volatile.Read(ref _portText);
        if (cached.Port != localPort)
        {
            cached = new PortText(localPort, localPort.ToString(CultureInfo.InvariantCulture));
            Volatile.Write(ref _portText, cached);
        }

        var port = cached.Text;
        var prefix = match.StrippedPrefix is { } stripped && stripped != "/" ? stripped : null;
        if (options.IsTrusted(remote))
        {
            return new ForwardedValues(
                forwardedFor,
                First(headers["X-Forwarded-Proto"]) ?? scheme,
                First(headers["X-Forwarded-Host"]) ?? hostName,
                First(headers["X-Forwarded-Port"]) ?? port,
                First(headers["X-Forwarded-Path"]) ?? rawPath,
                First(headers["X-Forwarded-Prefix"]) ?? prefix,
                realIp,
                host);
        }

        return new ForwardedValues(forwardedFor, scheme, hostName, port, rawPath, prefix, realIp, host);
    }

    private static string? First(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values[0];

    /// <summary>nginx's <c>$host</c>: the Host header's name, without port, lower case.</summary>
    private static string HostName(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && !(host.StartsWith('[') && host.IndexOf(']') > colon))
        {
            host = host[..colon];
        }

        return host.ToLowerInvariant();
    }

    /// <summary>Kong's answer to plain HTTP on an https-only route: 426, or a redirect to https.</summary>
    private Task RejectPlainHttpAsync(HttpContext context, RouteModel route, ForwardedValues forwarded, string requestUri, string requestId, long started)
    {
        var response = context.Response;
        if (route.HttpsRedirectStatusCode is 301 or 302 or 307 or 308)
        {
            AddKongHeaders(response, requestId, started);
            response.StatusCode = route.HttpsRedirectStatusCode;
            response.Headers.Location = $"https://{forwarded.Host}{requestUri}";
            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        response.Headers.Connection = "Upgrade";
        response.Headers.Upgrade = "TLS/1.2, HTTP/1.1";
        return WriteKongBodyAsync(context, 426, ErrorTemplates.Json, new JsonObject { ["message"] = "Please use HTTPS protocol" }.ToJsonString(), requestId, started);
    }

    /// <summary>Kong's runloop checks for gRPC routes; null when the request may go on.</summary>
    private Task? RejectGrpcMismatch(HttpContext context, RouteModel route, ForwardedValues forwarded, string requestId, long started)
    {
        var contentType = context.Request.ContentType;
        var isGrpc = contentType is not null && contentType.StartsWith("application/grpc", StringComparison.Ordinal);
        if (isGrpc && !HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "Upgrade";
            context.Response.Headers.Upgrade = "HTTP/2";
            return WriteKongBodyAsync(context, 426, ErrorTemplates.Json, """{"message":"Please use HTTP2 protocol"}""", requestId, started);
        }

        if (!isGrpc)
        {
            return WriteKongBodyAsync(context, 415, ErrorTemplates.Json, """{"message":"Non-gRPC request matched gRPC route"}""", requestId, started);
        }

        if ((route.Protocols & RouteProtocols.Grpc) == 0 && forwarded.Proto != "https")
        {
            var response = context.Response;
            AddKongHeaders(response, requestId, started);
            response.StatusCode = 200;
            response.Headers["grpc-status"] = "1";
            response.Headers["grpc-message"] = "gRPC request matched gRPCs route";
            return Task.CompletedTask;
        }

        return null;
    }

    private Task WriteProxyErrorAsync(HttpContext context, ForwarderError error, string requestId, long started)
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
            return WriteKongErrorAsync(context, 503, "name resolution failed", requestId, started, ErrorTemplates.ForResponseError(context.Request.Headers.Accept));
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
        return WriteKongErrorAsync(context, status, message, requestId, started, ErrorTemplates.ForProxyError(headers.Accept, headers.ContentType));
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

    private Task WriteKongErrorAsync(HttpContext context, int status, string message, string requestId, long started, string mimeType)
    {
        if (mimeType == ErrorTemplates.Json && status == 404)
        {
            // kong.response.error with JSON: the compact cjson encoding of {message, request_id}.
            var body = new JsonObject { ["message"] = message, ["request_id"] = requestId }.ToJsonString();
            return WriteKongBodyAsync(context, status, mimeType, body, requestId, started);
        }

        return WriteKongBodyAsync(context, status, mimeType, ErrorTemplates.Render(mimeType, message, requestId), requestId, started);
    }

    private Task WriteKongBodyAsync(HttpContext context, int status, string contentType, string body, string requestId, long started)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        AddKongHeaders(response, requestId, started);
        return response.WriteAsync(body, context.RequestAborted);
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

    private sealed record PortText(int Port, string Text);
}
