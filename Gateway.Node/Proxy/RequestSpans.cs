using System.Net;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk.Tracing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// The spans the proxy itself makes, with Kong's names and attributes (kong/observability/tracing/instrumentation.lua):
/// the root <c>kong</c> (SERVER) when a request arrives and when its response completed, and one <c>kong.balancer</c>
/// (CLIENT) per try. A request is traced only while tracing_instrumentations is on and a tracing plugin is configured.
/// </summary>
internal static class RequestSpans
{
    /// <summary>The request's trace, or null when nothing would read it.</summary>
    public static RequestTrace? Begin(ProxyExchange exchange, PluginChains chains)
    {
        var options = exchange.Options;
        if (options.Tracing == TracingInstrumentations.None || !chains.Traced)
        {
            return null;
        }

        var trace = new RequestTrace(options.Tracing, options.TracingSamplingRate, exchange.Started);
        var root = trace.Root;
        var context = exchange.Context;
        var request = context.Request;
        ref readonly var forwarded = ref exchange.Forwarded;
        root.SetAttribute("http.method", request.Method);
        root.SetAttribute("http.url", $"{request.Scheme}://{exchange.Host}{exchange.RawTarget ?? exchange.RawPath}");
        root.SetAttribute("http.host", exchange.Host);
        root.SetAttribute("http.scheme", request.Scheme);
        root.SetAttribute("http.flavor", Flavor(request.Protocol));
        root.SetAttribute("http.client_ip", forwarded.RealIp);
        root.SetAttribute("net.peer.ip", context.Connection.RemoteIpAddress?.ToString() ?? "");
        root.SetAttribute("kong.request.id", exchange.RequestId);
        return trace;
    }

    /// <summary>Ends the root once the response completed: its status and the route's first path, as Kong adds them last.</summary>
    public static void End(RequestTrace trace, int status, RouteModel? route)
    {
        var root = trace.Root;
        root.SetAttribute("http.status_code", (long)status);
        root.SetAttribute("http.route", route?.Row["paths"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } paths ? paths[0]!.GetValue<string>() : "");
        if (status >= 500)
        {
            root.Fail();
        }

        root.End();
    }

    /// <summary>A try's span: its number (from 1) and the peer it goes to.</summary>
    public static TraceSpan? StartTry(RequestTrace? trace, int attempt, Destination destination)
    {
        if (trace?.Start(TracingInstrumentations.Balancer, "kong.balancer", TraceSpanKind.Client) is not { } span)
        {
            return null;
        }

        var (host, port) = destination.Peer;
        span.SetAttribute("try_count", (long)attempt + 1);
        span.SetAttribute("net.peer.ip", IPAddress.TryParse(host, out var address) ? address.ToString() : "");
        span.SetAttribute("net.peer.port", (long)port);
        // The name the try was sent to: the Host header the upstream gets, without its port.
        span.SetAttribute("net.peer.name", HostCriterion.SplitHostPort(destination.HostHeader).Name);
        return span;
    }

    /// <summary>Ends a try's span; a failed try carries the status Kong would answer and an error status.</summary>
    public static void EndTry(TraceSpan? span, HttpContext context, ForwarderError error)
    {
        if (span is null)
        {
            return;
        }

        if (error != ForwarderError.None)
        {
            span.SetAttribute("http.status_code", (long)ForwarderFailures.StatusOf(error, context));
            span.Fail(context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString());
        }

        span.End();
    }

    private static string Flavor(string protocol) =>
        HttpProtocol.IsHttp2(protocol) ? "2" : HttpProtocol.IsHttp3(protocol) ? "3" : HttpProtocol.IsHttp10(protocol) ? "1.0" : "1.1";
}
