using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Proxy;

/// <summary>
/// Sends every try to the service's own host and port (name resolution is left to the socket
/// handler). The peer is built once per compiled service and reused by every request.
/// </summary>
public sealed class DirectDestinationResolver : IDestinationResolver
{
    private readonly ConditionalWeakTable<ServiceModel, IPeerSource> _peers = [];

    /// <inheritdoc />
    public IPeerSource Resolve(ConfigSnapshot snapshot, ServiceModel service, HttpContext context, IReadOnlyDictionary<string, string>? uriCaptures, PluginContext? plugins) =>
        _peers.GetValue(service, static s => new DirectPeer(For(s)));

    /// <summary>The destination for a service's host and port.</summary>
    public static Destination For(ServiceModel service)
    {
        var scheme = service.IsTls ? "https" : "http";
        var host = IPAddress.TryParse(service.Host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{service.Host}]"
            : service.Host;
        return new Destination($"{scheme}://{host}:{service.Port}", HostHeader(host, service.Port, service.IsTls));
    }

    /// <summary>Kong's upstream Host: the name, with the port unless it is the scheme's default.</summary>
    public static string HostHeader(string host, int port, bool tls) =>
        (tls && port == 443) || (!tls && port == 80) ? host : $"{host}:{port}";
}
