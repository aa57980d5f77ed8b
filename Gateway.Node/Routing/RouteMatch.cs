namespace Gateway.Node.Routing;

/// <summary>The router's answer for one request.</summary>
/// <param name="Route">The matched route.</param>
/// <param name="Service">The route's service; null for a route without one.</param>
/// <param name="MatchedPath">The route path that matched: the prefix, or the text a regex matched; null when the route has no paths.</param>
/// <param name="StrippedPrefix">The part taken off the path (Kong's <c>prefix</c>, sent as X-Forwarded-Prefix); null unless strip_path applied.</param>
/// <param name="UpstreamPath">The path for the upstream, service path joined (normalized, not yet escaped, no query).</param>
/// <param name="Captures">A regex path's captures; null for a prefix path.</param>
public sealed record RouteMatch(
    RouteModel Route,
    ServiceModel? Service,
    string? MatchedPath,
    string? StrippedPrefix,
    string UpstreamPath,
    RouteCaptures? Captures);
