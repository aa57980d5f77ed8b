using System.Diagnostics;
using Gateway.Node.Routing;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// Sends a request to its service with YARP's <see cref="IHttpForwarder"/> (bodies streamed both ways, pooled
/// connections, WebSocket and gRPC pass-through), one try per peer, trying again as nginx's
/// <c>proxy_next_upstream error timeout</c> with Kong's <c>proxy_next_upstream_tries</c> (the service's
/// retries + 1), then finishes the response: the body filters' output and the log phase, or the gateway's
/// 502/503/504 when no try got an answer.
/// </summary>
internal sealed class ForwardingLoop(IHttpForwarder forwarder, UpstreamClients clients)
{
    /// <summary>Forwards the routed request of <paramref name="exchange"/> to <paramref name="service"/>, each try to the next of <paramref name="peers"/>, and answers the client.</summary>
    public async Task ForwardAsync(ProxyExchange exchange, ServiceModel service, IPeerSource peers)
    {
        var context = exchange.Context;
        var plan = clients.PlanFor(service);
        var config = HttpProtocol.IsHttp2(context.Request.Protocol) ? plan.Http2 : plan.Http1;
        var plugins = exchange.Plugins;
        var originalBody = context.Response.Body;
        var buffer = plugins is { BuffersBody: true } ? new MemoryStream() : null;
        for (var attempt = 0; ; attempt++)
        {
            if (!peers.TryNext(out var destination, out var failure))
            {
                await GatewayAnswers.NoPeerAsync(exchange, failure);
                return;
            }

            exchange.Destination = destination;

            // A body filter needs the whole body: the upstream writes into a buffer, sent after the filters. A log
            // phase needs the size of a streamed body: it goes through a counter.
            Stream? body = buffer is not null ? buffer : plugins is { Logs: true } ? new CountingStream(originalBody) : null;
            ForwarderError error;
            if (body is null)
            {
                error = await forwarder.SendAsync(context, destination.Prefix, plan.Invoker, config, exchange);
            }
            else
            {
                buffer?.SetLength(0);
                context.Response.Body = body;
                try
                {
                    error = await forwarder.SendAsync(context, destination.Prefix, plan.Invoker, config, exchange);
                }
                finally
                {
                    context.Response.Body = originalBody;
                }
            }

            var latency = exchange.SentAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(exchange.SentAt);
            peers.Report(destination, error, exchange.UpstreamStatus, latency);
            if (error == ForwarderError.None)
            {
                if (plugins is not null)
                {
                    var sent = buffer is null ? (long?)null : await ResponsePhases.WriteBodyAsync(exchange, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), lengthKnown: true);
                    await ResponsePhases.LogAsync(exchange, fromUpstream: true, sent, body as CountingStream);
                }

                return;
            }

            if (!MayTryAgain(context, error, attempt, service.Retries))
            {
                await GatewayAnswers.ProxyErrorAsync(exchange, error);
                return;
            }

            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
    }

    /// <summary>
    /// nginx's proxy_next_upstream: a connection failure or timeout before any response byte is tried again, up
    /// to the service's retries, for idempotent requests without a body (the body is streamed, not buffered).
    /// A name that does not resolve is not tried again.
    /// </summary>
    private static bool MayTryAgain(HttpContext context, ForwarderError error, int attempt, int retries) =>
        attempt < retries
        && error is ForwarderError.Request or ForwarderError.RequestTimedOut
        && !context.Response.HasStarted
        && IsIdempotentWithoutBody(context)
        && !ForwarderFailures.IsNameResolution(context.Features.Get<IForwarderErrorFeature>()?.Exception);

    private static bool IsIdempotentWithoutBody(HttpContext context)
    {
        var method = context.Request.Method;
        var idempotent = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);
        return idempotent && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true;
    }
}
