using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk.Streams;

/// <summary>
/// One stream connection (TCP, TLS or a UDP session) in Kong's preread phase: who connected, where, with which SNI,
/// and the route it matched. A plugin refuses the connection with <see cref="Exit"/>; the gateway then closes it
/// without sending anything, as Kong's stream subsystem does with a status of 400 or more.
/// </summary>
public sealed class StreamContext
{
    /// <summary>The scheme the router saw: <c>tcp</c>, <c>tls</c> (an SNI was read) or <c>udp</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The client's address (from the PROXY protocol header when the listener takes one), IPv4 unmapped.</summary>
    public required IPAddress ClientAddress { get; init; }

    /// <summary>The client's port.</summary>
    public required int ClientPort { get; init; }

    /// <summary>The address the client connected to.</summary>
    public required IPAddress ServerAddress { get; init; }

    /// <summary>The port the client connected to.</summary>
    public required int ServerPort { get; init; }

    /// <summary>The server name of the client's TLS ClientHello; null for plain TCP and UDP.</summary>
    public string? Sni { get; init; }

    /// <summary>The matched route's row.</summary>
    public required JsonObject Route { get; init; }

    /// <summary>The matched route's service row, or null.</summary>
    public JsonObject? Service { get; init; }

    /// <summary>The status a plugin refused the connection with (Kong's <c>kong.response.exit</c> in stream); null while none did.</summary>
    public int? ExitStatus { get; private set; }

    /// <summary>Why it was refused, for the node's log line; null when no reason was given.</summary>
    public string? ExitMessage { get; private set; }

    /// <summary>Refuses the connection; the first refusal wins.</summary>
    public void Exit(int status, string? message = null)
    {
        if (ExitStatus is null)
        {
            ExitStatus = status;
            ExitMessage = message;
        }
    }
}
