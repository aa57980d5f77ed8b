using System.Diagnostics;
using System.Security.Authentication;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Engine;
using Gateway.Plugins.Sdk.Pdk;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Pipeline;

/// <summary>Copies a finished request into a <see cref="PluginLog"/>, built only when some plugin has a log phase.</summary>
public static class PluginLogs
{
    /// <summary>The log record; timestamps are Stopwatch ticks, 0 where the upstream was not called.</summary>
    public static PluginLog Build(PluginContext context, long started, long sentAt, long receivedAt, int upstreamStatus, string? upstreamUri, long responseSize, IReadOnlyList<BalancerTry>? tries = null)
    {
        var http = context.Http;
        var request = http.Request;
        var now = Stopwatch.GetTimestamp();
        var total = (long)Stopwatch.GetElapsedTime(started, now).TotalMilliseconds;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var queryAt = target.IndexOf('?', StringComparison.Ordinal);
        var upstreamCalled = sentAt != 0;
        var tls = request.IsHttps ? http.Features.Get<ITlsHandshakeFeature>() : null;
        return new PluginLog
        {
            RequestId = context.RequestId,
            StartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - total,
            ClientIp = context.ClientIp,
            Method = request.Method,
            Uri = target,
            Url = $"{context.Scheme}://{context.Host}:{http.Connection.LocalPort}{target}",
            QueryString = QueryArgs.Parse(queryAt < 0 ? null : target[queryAt..], QueryArgs.NginxMaxArgs).ToJson(),
            RequestHeaders = Copy(request.Headers),
            RequestSize = RequestLength(request, target),
            TlsVersion = tls is null ? null : TlsVersion(tls.Protocol),
            TlsCipher = tls?.NegotiatedCipherSuite?.ToString(),
            Status = http.Response.StatusCode,
            ResponseHeaders = Copy(http.Response.Headers),
            ResponseSize = HeadLength(http.Response) + responseSize,
            UpstreamStatus = upstreamStatus == 0 ? null : upstreamStatus,
            UpstreamUri = upstreamCalled ? upstreamUri : null,
            KongLatency = upstreamCalled ? (long)Stopwatch.GetElapsedTime(started, sentAt).TotalMilliseconds : total,
            ProxyLatency = upstreamCalled && receivedAt != 0 ? (long)Stopwatch.GetElapsedTime(sentAt, receivedAt).TotalMilliseconds : -1,
            RequestLatency = total,
            ReceiveLatency = upstreamCalled && receivedAt != 0 ? (long)Stopwatch.GetElapsedTime(receivedAt, now).TotalMilliseconds : 0,
            Source = upstreamCalled && upstreamStatus != 0 ? "upstream" : "kong",
            Route = context.Route,
            Service = context.Service,
            Consumer = context.Consumer,
            Credential = context.Credential,
            Extra = ((IPluginContextEngine)context).LogValuesIfAny,
            Shared = ((IPluginContextEngine)context).SharedIfAny,
            Trace = context.Trace,
            Tries = tries ?? [],
        };
    }

    /// <summary>nginx's <c>$ssl_protocol</c> names.</summary>
    internal static string TlsVersion(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
#pragma warning disable SYSLIB0039 // only named here, never enabled
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1",
#pragma warning restore SYSLIB0039
        _ => protocol.ToString(),
    };

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

    private static Dictionary<string, StringValues> Copy(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, StringValues>(headers.Count, StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            copy[name.ToLowerInvariant()] = values;
        }

        return copy;
    }
}
