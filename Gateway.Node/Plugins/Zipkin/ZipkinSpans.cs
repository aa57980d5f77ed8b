using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>
/// Kong's zipkin log phase: the request span (SERVER, named by <c>http_span_name</c>), its child
/// <c>"NAME (proxy)"</c> (CLIENT, from access to the end of the response) and one <c>"NAME (balancer try N)"</c>
/// child per try of the upstream, a failed try tagged <c>error</c>. The phases are annotations (krs/krf on the request
/// span, kas/kaf, khs/khf, kbs/kbf on the proxy span) or, with <c>phase_duration_flavor</c> tags,
/// <c>kong.PHASE.duration_ms</c> tags. Reported in Kong's order: the tries, the proxy span, the request span.
/// </summary>
internal static class ZipkinSpans
{
    /// <summary>The spans of a finished request, each as Zipkin JSON.</summary>
    /// <param name="state">What the earlier phases recorded.</param>
    /// <param name="log">The finished request.</param>
    /// <param name="config">The plugin config.</param>
    /// <param name="nodeId">The node's id, for <c>kong.node.id</c>.</param>
    /// <param name="now">The log phase's time (Unix microseconds): when the request and proxy spans end.</param>
    public static List<byte[]> Build(ZipkinRequest state, PluginLog log, ZipkinConfig config, string? nodeId, long now)
    {
        var queryAt = log.Uri.IndexOf('?', StringComparison.Ordinal);
        var path = queryAt < 0 ? log.Uri : log.Uri[..queryAt];
        var name = config.SpanNameHasPath ? $"{log.Method} {path}" : log.Method;

        // The request's start is known to the millisecond; the phases' own clock readings bound it.
        var access = state.AccessStart ?? state.HeaderFilterStart ?? now;
        var started = Math.Min(log.StartedAt * 1000, access);
        var headerStart = state.HeaderFilterStart ?? now;
        var bodyStart = Math.Max(headerStart, state.HeaderFilterEnd ?? headerStart);
        var accessEnd = Math.Max(access, log.Tries.Count > 0 ? log.Tries[0].StartedAtUnixNano / 1000 : headerStart);

        var request = new ZipkinSpan(name, "SERVER", state.SpanId, state.ParentId, started) { Ip = log.ClientIp, Port = state.ClientPort };
        request.Tag("lc", "kong");
        request.Tag("http.method", log.Method);
        request.Tag("http.host", state.Host);
        request.Tag("http.path", path);
        request.Tag("http.protocol", state.Protocol);
        foreach (var tag in config.StaticTags ?? [])
        {
            request.Tag(tag.Name, tag.Value);
        }

        foreach (var (key, value) in state.HeaderTags ?? [])
        {
            request.Tag(key, value);
        }

        var proxy = new ZipkinSpan(name + " (proxy)", "CLIENT", state.ProxySpanId, state.SpanId, access);
        if (config.DurationsAsTags)
        {
            request.Tag("kong.rewrite.duration_ms", (access - started) / 1000);
            if (state.AccessStart is not null)
            {
                proxy.Tag("kong.access.duration_ms", (accessEnd - access) / 1000);
            }

            proxy.Tag("kong.header_filter.duration_ms", (bodyStart - headerStart) / 1000);
            proxy.Tag("kong.body_filter.duration_ms", (now - bodyStart) / 1000);
        }
        else
        {
            request.Annotate("krs", started);
            request.Annotate("krf", access);
            proxy.Annotate("kas", access);
            proxy.Annotate("kaf", accessEnd);
            proxy.Annotate("khs", headerStart);
            proxy.Annotate("khf", bodyStart);
            proxy.Annotate("kbs", bodyStart);
            proxy.Annotate("kbf", now);
        }

        var spans = new List<byte[]>(log.Tries.Count + 2);
        var traceId = state.TraceHex;
        for (var i = 0; i < log.Tries.Count; i++)
        {
            var attempt = log.Tries[i];
            var start = attempt.StartedAtUnixNano / 1000;
            var balancer = new ZipkinSpan(string.Create(CultureInfo.InvariantCulture, $"{name} (balancer try {i + 1})"), "CLIENT", RandomId(), state.SpanId, start)
            {
                Ip = attempt.Ip,
                Port = attempt.Port,
            };
            balancer.Tag("kong.balancer.try", i + 1);
            if (i < log.Tries.Count - 1)
            {
                balancer.Tag("error", "true");
                balancer.Tag("kong.balancer.state", attempt.State);
                balancer.Tag("http.status_code", attempt.Code?.ToString(CultureInfo.InvariantCulture));
            }

            TagServiceAndRoute(balancer, log);
            balancer.Finish(start + (attempt.LatencyNano / 1000));
            spans.Add(balancer.ToJson(traceId, config.LocalServiceName, config.DefaultServiceName));
        }

        if (log.Tries.Count > 0)
        {
            var last = log.Tries[^1];
            proxy.Tag("peer.hostname", last.Ip);
            proxy.Ip = last.Ip;
            proxy.Port = last.Port;
        }

        request.Tag("http.status_code", log.Status);
        request.Tag("kong.consumer", Id(log.Consumer));
        if (config.IncludeCredential)
        {
            request.Tag("kong.credential", Id(log.Credential));
        }

        request.Tag("kong.node.id", nodeId);
        TagServiceAndRoute(proxy, log);
        proxy.Finish(now);
        spans.Add(proxy.ToJson(traceId, config.LocalServiceName, config.DefaultServiceName));
        request.Finish(now);
        spans.Add(request.ToJson(traceId, config.LocalServiceName, config.DefaultServiceName));
        return spans;
    }

    /// <summary>Kong's tag_with_service_and_route: the service's id and name (its name is the remote service), the route's.</summary>
    private static void TagServiceAndRoute(ZipkinSpan span, PluginLog log)
    {
        if (Id(log.Service) is { } service)
        {
            span.Tag("kong.service", service);
            if (Text(log.Service, "name") is { } serviceName)
            {
                span.ServiceName = serviceName;
                span.Tag("kong.service_name", serviceName);
            }
        }

        if (log.Route is not null)
        {
            if (Id(log.Route) is { } route)
            {
                span.Tag("kong.route", route);
            }

            if (Text(log.Route, "name") is { } routeName)
            {
                span.Tag("kong.route_name", routeName);
            }
        }
    }

    private static string? Id(JsonObject? row) => Text(row, "id");

    private static string? Text(JsonObject? row, string field) =>
        row?[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static ulong RandomId() => Gateway.Plugins.Sdk.Tracing.RequestTrace.NewSpanId();
}
