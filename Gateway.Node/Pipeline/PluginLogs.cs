using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

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
            RequestSize = RequestLength(request, target),
            Status = http.Response.StatusCode,
            ResponseHeaders = Copy(http.Response.Headers),
            ResponseSize = HeadLength(http.Response) + responseSize,
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

    /// <summary>
    /// nginx's <c>$request_length</c>, which Kong logs as request.size: the request line, the headers and
    /// the body, as HTTP/1.1 puts them on the wire (a chunked body without Content-Length counts as empty).
    /// </summary>
    private static long RequestLength(HttpRequest request, string target) =>
        request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length + 2
        + HeadersLength(request.Headers) + (request.ContentLength ?? 0);

    /// <summary>
    /// The status line ("HTTP/1.1 200 OK\r\n", as Kestrel writes it to HTTP/1.x clients) and headers of the
    /// response: the part of nginx's <c>$bytes_sent</c> before the body.
    /// </summary>
    private static long HeadLength(HttpResponse response) =>
        "HTTP/1.1 200 ".Length + ReasonPhrases.GetReasonPhrase(response.StatusCode).Length + 2 + HeadersLength(response.Headers);

    /// <summary>"name: value\r\n" for every value, then the empty line.</summary>
    private static long HeadersLength(IHeaderDictionary headers)
    {
        long length = 2;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                length += name.Length + 2 + (value?.Length ?? 0) + 2;
            }
        }

        return length;
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
