using Gateway.Node.Routing;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Streams.Routing;

/// <summary>
/// Kong's stream router (router_flavor = traditional_compatible), compiled once per config snapshot from the routes
/// whose protocols are tcp, tls, udp or tls_passthrough and immutable afterwards. Routes are tried in priority order
/// (<see cref="StreamRoute.Priority"/>), ties broken by created_at, then id; stream configs hold few routes, so a
/// connection walks the list.
/// </summary>
public sealed class StreamRouteTable
{
    private static readonly HashSet<string> StreamProtocols = new(StringComparer.Ordinal) { "tcp", "tls", "udp", "tls_passthrough" };

    private readonly StreamRoute[] _routes;

    private StreamRouteTable(StreamRoute[] routes) => _routes = routes;

    /// <summary>No stream routes: nothing matches.</summary>
    public static StreamRouteTable Empty { get; } = new([]);

    /// <summary>The stream routes, in the order they are tried.</summary>
    public IReadOnlyList<StreamRoute> Routes => _routes;

    /// <summary>Compiles the stream routes of <paramref name="data"/>, with the services the HTTP router compiled.</summary>
    public static StreamRouteTable Build(ConfigData data, IReadOnlyDictionary<string, ServiceModel> services)
    {
        var routes = new List<StreamRoute>();
        foreach (var row in data["routes"])
        {
            if (!RowReader.Strings(row, "protocols").Any(StreamProtocols.Contains))
            {
                continue;
            }

            var serviceId = RowReader.ForeignId(row, "service");
            var service = serviceId is null ? null : services.GetValueOrDefault(serviceId);

            // Kong leaves routes of disabled services out of the router.
            if (service is { Enabled: false })
            {
                continue;
            }

            routes.Add(new StreamRoute(row, service));
        }

        return routes.Count == 0
            ? Empty
            : new([.. routes.OrderByDescending(r => r.Priority).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)]);
    }

    /// <summary>The first route that matches <paramref name="request"/>, or null.</summary>
    public StreamRoute? Match(in StreamRequest request)
    {
        foreach (var route in _routes)
        {
            if (route.Matches(request))
            {
                return route;
            }
        }

        return null;
    }
}
