using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Routing;

/// <summary>
/// Kong's HTTP router (router_flavor = traditional_compatible), compiled once per config snapshot and
/// immutable afterwards, so any number of requests can match on it at once without locks.
/// Entries are tried in Kong's priority order (see <see cref="RouteEntry"/>), ties broken by the
/// route's created_at, then id. Entries whose hosts are all exact names are indexed by host, and
/// the others whose paths all fix a first segment by that segment, so a request only walks the
/// entries of its host and of its path's first segment, plus those in neither index.
/// </summary>
public sealed class RouteTable
{
    private static readonly int[] NoEntries = [];

    private readonly RouteEntry[] _entries;

    /// <summary>Each route row's compiled form, by row reference: what the next version's build reuses when the row and its service's row are the same objects.</summary>
    private readonly Dictionary<JsonObject, CompiledRoute> _compiled;
    private readonly int[] _general;
    private readonly FrozenDictionary<string, int[]> _byHost;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _byHostSpan;
    private readonly FrozenDictionary<string, int[]> _bySegment;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _bySegmentSpan;

    private RouteTable(
        RouteEntry[] entries,
        IReadOnlyList<RouteModel> routes,
        IReadOnlyDictionary<string, ServiceModel> services,
        IReadOnlyList<string> neverMatching,
        Dictionary<JsonObject, CompiledRoute> compiled)
    {
        _entries = entries;
        _compiled = compiled;
        Routes = routes;
        Services = services;
        NeverMatching = neverMatching;
        var general = new List<int>();
        var byHost = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        var bySegment = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].ExactHosts is { } hosts)
            {
                foreach (var host in hosts.Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    (byHost.TryGetValue(host, out var list) ? list : byHost[host] = []).Add(i);
                }
            }
            else if (entries[i].PathSegments is { } segments)
            {
                foreach (var segment in segments)
                {
                    (bySegment.TryGetValue(segment, out var list) ? list : bySegment[segment] = []).Add(i);
                }
            }
            else
            {
                general.Add(i);
            }
        }

        _general = [.. general];
        _byHost = byHost.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        _byHostSpan = _byHost.GetAlternateLookup<ReadOnlySpan<char>>();
        _bySegment = bySegment.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _bySegmentSpan = _bySegment.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>An empty table: nothing matches.</summary>
    public static RouteTable Empty { get; } = new([], [], new Dictionary<string, ServiceModel>(), [], new(ReferenceEqualityComparer.Instance));

    /// <summary>Every HTTP-family route of the config, compiled.</summary>
    public IReadOnlyList<RouteModel> Routes { get; }

    /// <summary>Every service of the config, compiled, by id.</summary>
    public IReadOnlyDictionary<string, ServiceModel> Services { get; }

    /// <summary>
    /// One line per route regex that never matches, naming the route and the construct the non-backtracking engine
    /// cannot run: rows stored before the Admin API refused such regexes. The rest of the table serves as usual.
    /// </summary>
    public IReadOnlyList<string> NeverMatching { get; }

    /// <summary>How many matchers the routes compiled into (a route with mixed paths gives several).</summary>
    public int EntryCount => _entries.Length;

    /// <summary>
    /// Compiles the routes and services of <paramref name="data"/>. Throws <see cref="ArgumentException"/>
    /// naming the route when a regex does not compile, so the caller keeps serving its previous table.
    /// </summary>
    /// <param name="data">The config rows.</param>
    /// <param name="honorPathHandlingV1">Apply path_handling v1 (router_flavor = traditional); Kong's
    /// traditional_compatible router joins every path the v0 way.</param>
    public static RouteTable Build(ConfigData data, bool honorPathHandlingV1 = false) => Build(data, honorPathHandlingV1, null);

    /// <summary>
    /// Compiles the router of <paramref name="data"/>, reusing from <paramref name="previous"/> (the table being served,
    /// built with the same <paramref name="honorPathHandlingV1"/>) every route whose row and whose service's row are the
    /// very objects it was compiled from: a version that changed one route of a thousand compiles one. What it reuses
    /// is never changed after it was built, so both tables can serve at once.
    /// </summary>
    public static RouteTable Build(ConfigData data, bool honorPathHandlingV1, RouteTable? previous)
    {
        var services = new Dictionary<string, ServiceModel>(StringComparer.Ordinal);
        foreach (var row in data["services"])
        {
            var service = previous?.Services.GetValueOrDefault(RowReader.String(row, "id") ?? "") is { } same && ReferenceEquals(same.Row, row)
                ? same
                : new ServiceModel(row);
            services[service.Id] = service;
        }

        var routes = new List<RouteModel>();
        var entries = new List<RouteEntry>();
        var neverMatching = new List<string>();
        var compiled = new Dictionary<JsonObject, CompiledRoute>(ReferenceEqualityComparer.Instance);
        foreach (var row in data["routes"])
        {
            var serviceId = RowReader.ForeignId(row, "service");
            var service = serviceId is null ? null : services.GetValueOrDefault(serviceId);

            // Kong leaves routes of disabled services out of the router.
            if (service is { Enabled: false })
            {
                continue;
            }

            var route = previous is not null && previous._compiled.TryGetValue(row, out var earlier) && ReferenceEquals(earlier.Route.Service?.Row, service?.Row)
                ? earlier
                : Compile(row, service, honorPathHandlingV1);
            if (route is null)
            {
                continue;
            }

            compiled[row] = route;
            routes.Add(route.Route);
            entries.AddRange(route.Entries);
            neverMatching.AddRange(route.NeverMatching);
        }

        var sorted = entries
            .OrderByDescending(e => e.Priority)
            .ThenBy(e => e.Route.CreatedAt)
            .ThenBy(e => e.Route.Id, StringComparer.Ordinal)
            .ToArray();
        return new RouteTable(sorted, routes, services, [.. neverMatching.Distinct(StringComparer.Ordinal)], compiled);
    }

    /// <summary>One route row compiled: its model and an entry per group of its paths; null when it takes no protocol the router serves.</summary>
    private static CompiledRoute? Compile(JsonObject row, ServiceModel? service, bool honorPathHandlingV1)
    {
        var route = Named(row, () => new RouteModel(row, service, honorPathHandlingV1));
        if (route.Protocols == RouteProtocols.None)
        {
            return null;
        }

        var entries = SplitPaths(RowReader.Strings(row, "paths")).Select(group => Named(row, () => new RouteEntry(route, row, group))).ToArray();
        return new CompiledRoute(route, entries, [.. entries.SelectMany(e => e.NeverMatching).Select(line => $"{RouteName(row)}: {line}")]);
    }

    /// <summary>Runs one route's compilation; a failure names the route, so the log says which one keeps the config out.</summary>
    private static T Named<T>(JsonObject row, Func<T> compile)
    {
        try
        {
            return compile();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{RouteName(row)}: {e.Message}", e);
        }
    }

    /// <summary>How messages name a route: <c>route 'name' (id)</c>.</summary>
    private static string RouteName(JsonObject row) =>
        $"route '{RowReader.String(row, "name") ?? "?"}' ({RowReader.String(row, "id") ?? "no id"})";

    /// <summary>
    /// Finds the route for a request, or null when none matches. Allocates only for the answer
    /// (and a regex path's captures).
    /// </summary>
    public RouteMatch? Match(in RouteRequest request)
    {
        var hostLength = SplitHost(request.Host, request.LocalPort, out var port);
        var host = request.Host.AsSpan(0, hostLength);
        var byHost = _byHost.Count > 0 && _byHostSpan.TryGetValue(host, out var hostList) ? hostList : NoEntries;
        var bySegment = _bySegment.Count > 0 && FirstSegment(request.Path) is { Length: > 0 } segment && _bySegmentSpan.TryGetValue(segment, out var segmentList)
            ? segmentList
            : NoEntries;
        var general = _general;

        // Three lists of entry positions, each ascending: walk them merged, so entries are tried in
        // the table's global order whichever index they come from.
        int h = 0, s = 0, g = 0;
        while (true)
        {
            var next = int.MaxValue;
            if (h < byHost.Length)
            {
                next = byHost[h];
            }

            if (s < bySegment.Length && bySegment[s] < next)
            {
                next = bySegment[s];
            }

            if (g < general.Length && general[g] < next)
            {
                next = general[g];
            }

            if (next == int.MaxValue)
            {
                return null;
            }

            if (h < byHost.Length && byHost[h] == next)
            {
                h++;
            }
            else if (s < bySegment.Length && bySegment[s] == next)
            {
                s++;
            }
            else
            {
                g++;
            }

            var entry = _entries[next];
            if (entry.TryMatch(request, host, port, out var matchedPath, out var captures))
            {
                return BuildMatch(entry.Route, request.Path, matchedPath, captures);
            }
        }
    }

    /// <summary>The request path's first segment when a slash follows it (<c>/seg/...</c>); empty otherwise.</summary>
    private static ReadOnlySpan<char> FirstSegment(string path)
    {
        var end = path.Length > 1 ? path.IndexOf('/', 1) : -1;
        return end > 1 ? path.AsSpan(1, end - 1) : [];
    }

    private static RouteMatch BuildMatch(RouteModel route, string path, string? matchedPath, RouteCaptures? captures)
    {
        var stripped = route.StripPath ? matchedPath : null;
        var upstreamPath = UpstreamPath.Build(path, matchedPath, route.StripPath, route.Service?.Path, route.PathHandlingV1);
        return new RouteMatch(route, route.Service, matchedPath, stripped, upstreamPath, captures);
    }

    /// <summary>The length of the host name in a Host header, and its port (the local port when the header names none).</summary>
    private static int SplitHost(string host, int localPort, out int port)
    {
        port = localPort;
        var colon = host.LastIndexOf(':');
        if (colon < 0 || (host.StartsWith('[') && host.IndexOf(']') > colon))
        {
            return host.Length;
        }

        if (int.TryParse(host.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            port = parsed;
            return colon;
        }

        return host.Length;
    }

    /// <summary>
    /// Kong's split_routes_and_services_by_path: one group for all regex paths and one per prefix
    /// length, in first-seen order; a route without paths is one group.
    /// </summary>
    private static List<string[]> SplitPaths(string[] paths)
    {
        if (paths.Length <= 1)
        {
            return [paths];
        }

        var groups = new List<(int Key, List<string> Paths)>();
        foreach (var path in paths)
        {
            var key = path.StartsWith('~') ? 0 : path.Length;
            var index = groups.FindIndex(g => g.Key == key);
            if (index < 0)
            {
                groups.Add((key, [path]));
            }
            else
            {
                groups[index].Paths.Add(path);
            }
        }

        return [.. groups.Select(g => g.Paths.ToArray())];
    }
}
