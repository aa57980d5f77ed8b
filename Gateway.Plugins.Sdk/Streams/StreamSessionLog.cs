using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk.Streams;

/// <summary>
/// What the stream log phase gets: one finished stream session (a TCP or TLS connection, or a UDP session), copied
/// when it ended. <see cref="Serialize"/> gives Kong's stream serializer shape (kong/pdk/log.lua, stream subsystem):
/// <c>session</c> (received, sent, status, server_port, tls), <c>upstream</c> (received, sent), <c>latencies</c>
/// (kong, session), <c>tries</c>, <c>route</c>, <c>service</c>, <c>client_ip</c>, <c>started_at</c>.
/// </summary>
public sealed class StreamSessionLog
{
    /// <summary>When the session began, as Unix milliseconds.</summary>
    public required long StartedAt { get; init; }

    /// <summary>The client's address.</summary>
    public required string ClientIp { get; init; }

    /// <summary>The port the client connected to (nginx's <c>$server_port</c>).</summary>
    public required int ServerPort { get; init; }

    /// <summary>The scheme the router saw: tcp, tls or udp.</summary>
    public required string Protocol { get; init; }

    /// <summary>Bytes received from the client (nginx's <c>$bytes_received</c>).</summary>
    public required long Received { get; init; }

    /// <summary>Bytes sent to the client (nginx's <c>$bytes_sent</c>).</summary>
    public required long Sent { get; init; }

    /// <summary>
    /// nginx's stream <c>$status</c>: 200 when the session was proxied, 400 when the client's first bytes could not be
    /// read, 403 when a plugin refused it, 500 when no route matched, 502 when no upstream could be reached, 503 when
    /// no target was available.
    /// </summary>
    public required int Status { get; init; }

    /// <summary>Bytes received from the upstream.</summary>
    public required long UpstreamReceived { get; init; }

    /// <summary>Bytes sent to the upstream.</summary>
    public required long UpstreamSent { get; init; }

    /// <summary>Milliseconds spent in the gateway before the upstream was connected (or in total for a refused session).</summary>
    public required long KongLatency { get; init; }

    /// <summary>The session's length in milliseconds (nginx's <c>$session_time</c>, to the millisecond).</summary>
    public required double SessionLatency { get; init; }

    /// <summary>The TLS version as nginx names it ("TLSv1.3") when the gateway terminated TLS; null otherwise.</summary>
    public string? TlsVersion { get; init; }

    /// <summary>The negotiated cipher suite when the gateway terminated TLS.</summary>
    public string? TlsCipher { get; init; }

    /// <summary>The matched route's row, or null.</summary>
    public JsonObject? Route { get; init; }

    /// <summary>The matched service's row, or null.</summary>
    public JsonObject? Service { get; init; }

    /// <summary>The session's tries of the upstream, in order; empty when none was made.</summary>
    public IReadOnlyList<BalancerTry> Tries { get; init; } = [];

    /// <summary>Kong's stream serializer record for this session (what tcp-log, file-log and http-log send).</summary>
    public JsonObject Serialize()
    {
        var session = new JsonObject
        {
            ["received"] = Received,
            ["sent"] = Sent,
            ["status"] = Status,
            ["server_port"] = ServerPort,
        };
        if (TlsVersion is not null)
        {
            session["tls"] = new JsonObject { ["version"] = TlsVersion, ["cipher"] = TlsCipher, ["client_verify"] = "NONE" };
        }

        var record = new JsonObject
        {
            ["session"] = session,
            ["upstream"] = new JsonObject { ["received"] = UpstreamReceived, ["sent"] = UpstreamSent },
            ["latencies"] = new JsonObject { ["kong"] = KongLatency, ["session"] = SessionLatency },
            ["client_ip"] = ClientIp,
            ["started_at"] = StartedAt,
            ["workspace_name"] = "default",
        };
        if (Tries.Count > 0)
        {
            record["tries"] = new JsonArray([.. Tries.Select(PluginLog.SerializeTry)]);
        }

        if (Route is not null)
        {
            record["route"] = Route.DeepClone();
        }

        if (Service is not null)
        {
            record["service"] = Service.DeepClone();
        }

        return record;
    }
}
