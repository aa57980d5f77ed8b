using System.Globalization;
using System.Text.Json;
using Gateway.Node.Settings;
using Serilog;
using Serilog.Events;

namespace Gateway.Node.Observability;

/// <summary>
/// Kong's <c>proxy_access_log</c>: one line per proxied request, in nginx's <c>combined</c> format or as a JSON object,
/// appended to a file by a background writer (Serilog's file sink behind its async wrapper), so a request never
/// waits on the disk. Off by default; when on, every request is counted and logged, plugins or not.
/// </summary>
public sealed class ProxyAccessLog : IDisposable
{
    private readonly Serilog.Core.Logger _writer;
    private readonly AccessLogFormat _format;

    /// <summary>Opens the log at <paramref name="path"/>.</summary>
    public ProxyAccessLog(string path, AccessLogFormat format)
    {
        _format = format;
        _writer = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Async(a => a.File(path, outputTemplate: "{Message:l}{NewLine}", buffered: true, flushToDiskInterval: TimeSpan.FromSeconds(1)), bufferSize: 10_000)
            .CreateLogger();
    }

    /// <summary>Appends one request's line.</summary>
    public void Write(in AccessLogEntry entry)
    {
        var line = _format == AccessLogFormat.Json ? Json(entry) : Combined(entry);
        _writer.Write(LogEventLevel.Information, "{Line:l}", line);
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    /// <summary>nginx's combined: <c>$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"</c>.</summary>
    private static string Combined(in AccessLogEntry e)
    {
        var offset = e.Time.Offset;
        var zone = $"{(offset < TimeSpan.Zero ? '-' : '+')}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{e.ClientIp} - - [{e.Time:dd/MMM/yyyy:HH:mm:ss} {zone}] \"{Escape(e.Method)} {Escape(e.Target)} {e.Protocol}\" {e.Status} {e.BodyBytes} \"{Escape(e.Referer ?? "-")}\" \"{Escape(e.UserAgent ?? "-")}\"");
    }

    private static string Json(in AccessLogEntry e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", e.Time);
            json.WriteString("remote_addr", e.ClientIp);
            json.WriteString("request_id", e.RequestId);
            json.WriteString("method", e.Method);
            json.WriteString("uri", e.Target);
            json.WriteString("protocol", e.Protocol);
            json.WriteNumber("status", e.Status);
            json.WriteNumber("body_bytes_sent", e.BodyBytes);
            json.WriteNumber("request_time", Math.Round(e.RequestTime.TotalSeconds, 3));
            if (e.UpstreamStatus != 0)
            {
                json.WriteNumber("upstream_status", e.UpstreamStatus);
            }

            json.WriteString("http_referer", e.Referer);
            json.WriteString("http_user_agent", e.UserAgent);
            json.WriteString("route", e.Route);
            json.WriteString("service", e.Service);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>nginx's escaping of logged variables: quotes, backslashes and control bytes as <c>\xHH</c>.</summary>
    private static string Escape(string value)
    {
        if (!value.AsSpan().ContainsAny("\"\\\x7f") && !value.Any(char.IsControl))
        {
            return value;
        }

        var escaped = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            escaped.Append(c is '"' or '\\' || char.IsControl(c) ? $"\\x{(int)c:X2}" : c);
        }

        return escaped.ToString();
    }
}

/// <summary>What one access log line says.</summary>
/// <param name="Time">When the request arrived.</param>
/// <param name="ClientIp">The client's address (after trusted_ips).</param>
/// <param name="RequestId">The request's id.</param>
/// <param name="Method">The method.</param>
/// <param name="Target">The request target as sent.</param>
/// <param name="Protocol">HTTP/1.1, HTTP/2...</param>
/// <param name="Status">The status answered.</param>
/// <param name="BodyBytes">Body bytes sent (nginx's $body_bytes_sent).</param>
/// <param name="RequestTime">From arrival to the last byte sent.</param>
/// <param name="UpstreamStatus">The upstream's status, 0 when none answered.</param>
/// <param name="Referer">The Referer header.</param>
/// <param name="UserAgent">The User-Agent header.</param>
/// <param name="Route">The route's name or id, if one matched.</param>
/// <param name="Service">The service's name or id, if any.</param>
public readonly record struct AccessLogEntry(
    DateTimeOffset Time,
    string ClientIp,
    string RequestId,
    string Method,
    string Target,
    string Protocol,
    int Status,
    long BodyBytes,
    TimeSpan RequestTime,
    int UpstreamStatus,
    string? Referer,
    string? UserAgent,
    string? Route,
    string? Service);
