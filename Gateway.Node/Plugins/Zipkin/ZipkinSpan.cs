using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>
/// One span in Zipkin's v2 JSON model (kong/plugins/zipkin/span.lua, reporter.lua): times in microseconds since
/// the Unix epoch, ids in lower-case hex, tag values as strings (empty ones left out), the remote endpoint only when
/// it has a port or a service name.
/// </summary>
/// <param name="name">The span's name.</param>
/// <param name="kind">"SERVER" or "CLIENT".</param>
/// <param name="id">The span id.</param>
/// <param name="parentId">The parent span id, 0 for none.</param>
/// <param name="timestamp">When it began.</param>
internal sealed class ZipkinSpan(string name, string kind, ulong id, ulong parentId, long timestamp)
{
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);
    private List<(string Value, long Timestamp)>? _annotations;

    /// <summary>The span's name.</summary>
    public string Name => name;

    /// <summary>The span id.</summary>
    public ulong Id => id;

    /// <summary>When it began.</summary>
    public long Timestamp => timestamp;

    /// <summary>How long it lasted; never below 0.</summary>
    public long Duration { get; private set; }

    /// <summary>The remote service's name (the matched service's); the config's default_service_name when null.</summary>
    public string? ServiceName { get; set; }

    /// <summary>The peer's address.</summary>
    public string? Ip { get; set; }

    /// <summary>The peer's port.</summary>
    public int? Port { get; set; }

    /// <summary>The tags set so far.</summary>
    public IReadOnlyDictionary<string, string> Tags => _tags;

    /// <summary>Sets a tag; null removes it (Kong's <c>set_tag(key, nil)</c>).</summary>
    public void Tag(string key, string? value)
    {
        if (value is null)
        {
            _tags.Remove(key);
        }
        else
        {
            _tags[key] = value;
        }
    }

    /// <summary>Sets a numeric tag (sent as its decimal text, as Kong's <c>tostring</c>).</summary>
    public void Tag(string key, long value) => _tags[key] = value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds an annotation at <paramref name="at"/>.</summary>
    public void Annotate(string value, long at) => (_annotations ??= []).Add((value, at));

    /// <summary>Ends the span at <paramref name="at"/>.</summary>
    public void Finish(long at) => Duration = Math.Max(0, at - timestamp);

    /// <summary>The span as Zipkin's JSON.</summary>
    public byte[] ToJson(string traceId, string localServiceName, string? defaultServiceName)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("traceId", traceId);
            json.WriteString("name", name);
            if (parentId != 0)
            {
                json.WriteString("parentId", Hex(parentId));
            }

            json.WriteString("id", Hex(id));
            json.WriteString("kind", kind);
            json.WriteNumber("timestamp", timestamp);
            json.WriteNumber("duration", Duration);
            json.WriteStartObject("localEndpoint");
            json.WriteString("serviceName", localServiceName);
            json.WriteEndObject();
            WriteRemote(json, ServiceName ?? defaultServiceName);
            if (_tags.Any(t => t.Value.Length > 0))
            {
                json.WriteStartObject("tags");
                foreach (var (key, value) in _tags)
                {
                    if (value.Length > 0)
                    {
                        json.WriteString(key, value);
                    }
                }

                json.WriteEndObject();
            }

            if (_annotations is { } annotations)
            {
                json.WriteStartArray("annotations");
                foreach (var (value, at) in annotations)
                {
                    json.WriteStartObject();
                    json.WriteString("value", value);
                    json.WriteNumber("timestamp", at);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A span id in 16 lower-case hex digits.</summary>
    public static string Hex(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);

    private void WriteRemote(Utf8JsonWriter json, string? serviceName)
    {
        if (Port is null && serviceName is null)
        {
            return;
        }

        json.WriteStartObject("remoteEndpoint");
        if (serviceName is not null)
        {
            json.WriteString("serviceName", serviceName);
        }

        if (Ip is not null && IPAddress.TryParse(Ip, out var address))
        {
            json.WriteString(address.AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4", Ip);
        }

        if (Port is { } port)
        {
            json.WriteNumber("port", port);
        }

        json.WriteEndObject();
    }
}
