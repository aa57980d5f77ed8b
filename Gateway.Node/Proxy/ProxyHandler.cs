using System.Diagnostics;
using Gateway.Node.Config;
using Gateway.Node.Observability;
using Gateway.Node.Observability.Tracing;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Engine;
using Gateway.Plugins.Sdk.Tracing;
using Microsoft.AspNetCore.Connections.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// Serves client traffic on proxy_listen, as Kong's runloop does (kong/runloop/handler.lua): match a route on
/// the current snapshot (read once per request), run <see cref="RunloopChecks"/>, run the plugins in Kong's
/// phases (see Pipeline/README.md; a route none applies to skips them all), pick the request's peers once
/// through <see cref="IDestinationResolver"/>, and forward with YARP's <see cref="IHttpForwarder"/> (bodies
/// streamed both ways, pooled connections, WebSocket and gRPC pass-through), trying again as
/// <see cref="RetryPolicy"/> says. What the gateway answers itself is <see cref="GatewayAnswers"/>'; what one
/// request carries from step to step is its <see cref="ProxyExchange"/>.
/// </summary>
/// <remarks>
/// The tries are awaited here rather than in a method of their own: an async method that waits on the network
/// costs an object per request, and this is the one every request already has.
/// </remarks>
public sealed partial class ProxyHandler(
    ConfigSnapshotProvider snapshots,
    IHttpForwarder forwarder,
    UpstreamClients clients,
    IDestinationResolver resolver,
    ProxyOptions options,
    IConsumerStore consumers,
    ILoggerFactory loggers,
    GatewayMetrics metrics,
    ServiceClient services)
{
    private readonly ILogger _pluginLogger = loggers.CreateLogger("Gateway.Node.Pipeline.PluginRun");
    private readonly ILogger _logger = loggers.CreateLogger<ProxyHandler>();
    private readonly ForwardedHeaders _forwardedHeaders = new(options);

    /// <summary>Answers one proxied request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var exchange = new ProxyExchange(context, options, _forwardedHeaders);
        // Serilog's own context, not a logging scope: plugins log through the control host's loggers, which share only the Serilog logger.
        using var requestScope = options.LogRequestIds ? Serilog.Context.LogContext.PushProperty("kong_request_id", exchange.RequestId) : null;
        var snapshot = snapshots.Current;
        var chains = snapshot.Plugins;
        exchange.Trace = RequestSpans.Begin(exchange, chains);
        using var traceScope = exchange.Trace is { } trace && (options.LogRequestIds || chains.TracesLogs) ? Serilog.Context.LogContext.Push(new TraceLogEnricher(trace)) : null;
        if (RequestChecks.Find(context, options.Body.MaxSize) is var refused and not 0)
        {
            // nginx turns these away while it reads the headers: Kong's phases never start.
            CollectGlobals(exchange, chains);
            await GatewayAnswers.RefuseRequestAsync(exchange, refused);
            return;
        }

        if (chains.Rewrite.Count > 0)
        {
            // Kong runs the rewrite phase before routing, for global plugins only.
            var run = PluginsOf(exchange);
            await run.RewriteAsync(chains.Rewrite);
            if (run.Context.Exited is { } early)
            {
                run.CollectOnly(chains.Globals);
                await GatewayAnswers.PluginExitAsync(exchange, early);
                return;
            }
        }

        var request = context.Request;
        var routing = exchange.Trace?.Start(TracingInstrumentations.Router, "kong.router");
        var match = snapshot.Routes.Match(new RouteRequest(
            request.Method,
            exchange.Path,
            exchange.Host,
            context.Connection.LocalPort,
            request.IsHttps,
            request.IsHttps ? context.Features.Get<ITlsHandshakeFeature>()?.HostName : null,
            request.Headers));
        routing?.End();
        if (match is null)
        {
            CollectGlobals(exchange, chains);
            await GatewayAnswers.NoRouteAsync(exchange);
            return;
        }

        exchange.Routed(match);
        if (RunloopChecks.Find(context, match.Route, exchange.Forwarded.Proto) is { } refusal)
        {
            CollectGlobals(exchange, chains);
            await GatewayAnswers.RefuseAsync(exchange, refusal);
            return;
        }

        var plan = chains.ForRoute(match.Route.Id);
        if (!plan.IsEmpty)
        {
            var run = PluginsOf(exchange);
            var plugins = run.Context;
            ((IPluginContextEngine)plugins).SetRoute(new PluginRoute(match.Route.Row, match.Route.Id, match.Service?.Row, match.Service?.Id, match.Captures?.Numbered, match.Captures?.Named));
            plugins.UpstreamPath = exchange.UpstreamPath;
            plugins.UpstreamQuery = exchange.UpstreamQuery;
            await run.AccessAsync(plan);
            if (plugins.Exited is { } exit)
            {
                await GatewayAnswers.PluginExitAsync(exchange, exit);
                return;
            }

            exchange.UpstreamPath = plugins.UpstreamPath;
            exchange.UpstreamQuery = plugins.UpstreamQuery;
        }
        else
        {
            // Only global rewrite plugins ran: they still see the response, as Kong's global iterator.
            exchange.Plugins?.CollectOnly(chains.Globals);
        }

        if (match.Service is not { } service)
        {
            // Kong answers after the plugins' access phase (request-termination works there).
            await GatewayAnswers.NoServiceAsync(exchange);
            return;
        }

        // As nginx's proxy_pass, after access: the whole body first, unless the route (or the protocol) streams it.
        if (RequestBodyBuffer.Applies(context, match.Route, service)
            && await RequestBodyBuffer.ReadAsync(context, options.Body) is var unread and not 0)
        {
            await GatewayAnswers.RefuseRequestAsync(exchange, unread);
            return;
        }

        // The balancer is read once per request: every try takes its next peer from what this returns.
        var peers = resolver.Resolve(snapshot, service, context, match.Captures?.Named, exchange.Plugins?.Context);
        var servicePlan = clients.PlanFor(service);
        var config = HttpProtocol.IsHttp2(request.Protocol) ? servicePlan.Http2 : servicePlan.Http1;
        var capture = ResponseCapture.For(exchange);
        for (var attempt = 0; ; attempt++)
        {
            if (!peers.TryNext(out var destination, out var failure))
            {
                await GatewayAnswers.NoPeerAsync(exchange, failure);
                return;
            }

            exchange.Destination = destination;
            ForwarderError error;
            var balancing = RequestSpans.StartTry(exchange.Trace, attempt, destination);
            var tryStarted = Stopwatch.GetTimestamp();
            capture?.Start();
            try
            {
                error = await forwarder.SendAsync(context, destination.Prefix, servicePlan.Invoker, config, exchange);
            }
            finally
            {
                capture?.Stop();
            }

            RequestSpans.EndTry(balancing, context, error);
            exchange.RecordTry(destination, tryStarted, error);

            peers.Report(destination, error, exchange.UpstreamStatus, exchange.SentAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(exchange.SentAt));
            if (error == ForwarderError.None)
            {
                if (capture is not null || exchange.Trace is not null)
                {
                    await ResponsePhases.FinishUpstreamAsync(exchange, capture);
                }

                return;
            }

            if (!context.RequestAborted.IsCancellationRequested)
            {
                // As nginx's error log: each failed try, while the request's trace (if any) is on the log context.
                LogTryFailed(_logger, error, context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message, destination.Prefix, exchange.Forwarded.RealIp, request.Method, exchange.RawTarget ?? exchange.RawPath);
            }

            if (!RetryPolicy.MayTryAgain(context, error, attempt, service.Retries))
            {
                await GatewayAnswers.ProxyErrorAsync(exchange, error);
                return;
            }

            RetryPolicy.ForgetFailure(context);
        }
    }

    /// <summary>For answers the gateway gives before access: the global plugins' header filter and log, as Kong's global iterator.</summary>
    private void CollectGlobals(ProxyExchange exchange, PluginChains chains)
    {
        if (!chains.Globals.IsEmpty)
        {
            PluginsOf(exchange).CollectOnly(chains.Globals);
        }
    }

    /// <summary>The request's plugin run, made on first need: the one place a run and its <see cref="PluginContext"/> are made.</summary>
    private PluginRun PluginsOf(ProxyExchange exchange)
    {
        if (exchange.Plugins is { } run)
        {
            return run;
        }

        ref readonly var forwarded = ref exchange.Forwarded;
        var trace = exchange.Trace;
        var store = trace is not null && (trace.Instrumentations & TracingInstrumentations.DbQuery) != 0 ? new TracedConsumerStore(consumers, trace, options.DatabaseName) : consumers;
        var context = new PluginContext(exchange.Context, new PluginRequest(exchange.RequestId, forwarded.RealIp, forwarded.Proto, forwarded.Host, exchange.Path), store) { Trace = trace, Services = services };
        return exchange.Plugins = new PluginRun(context, _pluginLogger, metrics.PluginLatency);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "upstream try failed ({Error}: {Reason}), upstream: {Upstream}, client: {Client}, request: \"{Method} {Target}\"")]
    private static partial void LogTryFailed(ILogger logger, ForwarderError error, string? reason, string upstream, string client, string method, string target);
}
