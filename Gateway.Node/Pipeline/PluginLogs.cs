using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Node.Pipeline;

/// <summary>Copies a finished request into a <see cref="PluginLog"/>, built only when some plugin has a log phase.</summary>
public static class PluginLogs
{
    /// <summary>The log record; timestamps are Stopwatch ticks, 0 where the upstream was not called.</summary>
    public static PluginLog Build(PluginContext context, long started, long sentAt, long receivedAt, int upstreamStatus, string? upstreamUri, long responseSize)
    {
        var http = context.Http;
        var request = http.Request;
        var now = Stopwatch.GetTimestamp();
        var total = (long)Stopwatch.GetElapsedTime(started, now).TotalMilliseconds;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var query = new JsonObject();
        foreach (var (name, values) in request.Query)
        {
            query[name] = values.Count switch
            {
                0 => true,
                1 => values[0] is { Length: > 0 } v ? v : true,
                _ => new JsonArray([.. values.Select(v => (JsonNode?)v)]),
            };
        }

        var upstreamCalled = sentAt != 0;
        return new PluginLog
        {
            RequestId = context.RequestId,
            StartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - total,
            ClientIp = context.ClientIp,
            Method = request.Method,
            Uri = target,
            Url = $"{context.Scheme}://{context.Host}:{http.Connection.LocalPort}{target}",
            QueryString = query,
            RequestHeaders = Copy(request.Headers),
            RequestSize = request.ContentLength ?? 0,
            Status = http.Response.StatusCode,
            ResponseHeaders = Copy(http.Response.Headers),
            ResponseSize = responseSize,
            UpstreamStatus = upstreamStatus == 0 ? null : upstreamStatus,
            UpstreamUri = upstreamCalled ? upstreamUri : null,
            KongLatency = upstreamCalled ? (long)Stopwatch.GetElapsedTime(started, sentAt).TotalMilliseconds : total,
            ProxyLatency = upstreamCalled && receivedAt != 0 ? (long)Stopwatch.GetElapsedTime(sentAt, receivedAt).TotalMilliseconds : -1,
            RequestLatency = total,
            Source = upstreamCalled && upstreamStatus != 0 ? "upstream" : "kong",
            Route = context.Route,
            Service = context.Service,
            Consumer = context.Consumer,
            Credential = context.Credential,
            Extra = context.LogValuesIfAny,
        };
    }

    private static Dictionary<string, string> Copy(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(headers.Count, StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            copy[name.ToLowerInvariant()] = value.ToString();
        }

        return copy;
    }
}
