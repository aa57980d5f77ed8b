using System.Net;
using Gateway.Node.Streams.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;

namespace Gateway.Node.Streams;

/// <summary>
/// What a new stream session (a TCP connection or a client's first UDP datagram) goes through before any byte moves,
/// as Kong's stream preread runs it: the router on the current snapshot, the route's preread plugins, its service, and
/// the upstream connection. A refusal at any step is logged as Kong logs it and gives the session's status.
/// </summary>
internal static partial class StreamAdmission
{
    /// <summary>The outcome: the upstream when the session goes on (status 200; <c>Route</c>, its service and <c>Plugins</c> are then set), else the status it ends with.</summary>
    /// <param name="Route">The matched route; null when none matched.</param>
    /// <param name="Plugins">The route's stream plugins (their log phase runs either way); null when no route matched.</param>
    /// <param name="Upstream">The connected upstream; null when the session was refused.</param>
    /// <param name="Status">200, or nginx's stream status for the refusal.</param>
    public readonly record struct Result(StreamRoute? Route, StreamPlugins? Plugins, StreamUpstream? Upstream, int Status);

    /// <summary>Routes and admits a session; <paramref name="tries"/> gets the upstream tries.</summary>
    public static async Task<Result> AdmitAsync(StreamServices services, StreamRequest request, bool udp, List<BalancerTry> tries)
    {
        var snapshot = services.Snapshots.Current;
        var route = snapshot.Streams.Match(request);
        if (route is null)
        {
            LogNoRoute(services.Logger, new IPEndPoint(request.SourceAddress, request.SourcePort), new IPEndPoint(request.DestinationAddress, request.DestinationPort));
            return new(null, null, null, 500);
        }

        var plugins = StreamPlugins.For(snapshot, route, request.Scheme, services.Logger);
        var context = new StreamContext
        {
            Protocol = request.Scheme,
            ClientAddress = request.SourceAddress,
            ClientPort = request.SourcePort,
            ServerAddress = request.DestinationAddress,
            ServerPort = request.DestinationPort,
            Sni = request.Sni,
            Route = route.Row,
            Service = route.Service?.Row,
        };
        await plugins.PrereadAsync(context);
        if (context.ExitStatus is { } refused)
        {
            LogRefused(services.Logger, refused, context.ExitMessage ?? "");
            return new(route, plugins, null, refused);
        }

        if (route.Service is not { } service)
        {
            LogNoService(services.Logger, route.Id);
            return new(route, plugins, null, 500);
        }

        var (upstream, status, failure) = await StreamUpstream.ConnectAsync(snapshot, service, request.SourceAddress, udp, tries, services.Stopping);
        if (upstream is null)
        {
            LogUpstreamFailed(services.Logger, failure ?? "", route.Id);
        }

        return new(route, plugins, upstream, status);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "no Route found with those values while prereading client data, client: {Client}, server: {Server}")]
    private static partial void LogNoRoute(ILogger logger, IPEndPoint client, IPEndPoint server);

    [LoggerMessage(Level = LogLevel.Error, Message = "no Service found with those values (route {RouteId})")]
    private static partial void LogNoService(ILogger logger, string routeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "unable to proxy stream connection, status: {Status}, err: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Failure} while connecting to upstream (route {RouteId})")]
    private static partial void LogUpstreamFailed(ILogger logger, string failure, string routeId);
}
