namespace Gateway.Node.Routing;

/// <summary>One route row as the router compiled it, kept by the table so that the next version's build can reuse it.</summary>
/// <param name="Route">The route's model.</param>
/// <param name="Entries">One entry per group of its paths.</param>
/// <param name="NeverMatching">Its lines for <see cref="RouteTable.NeverMatching"/>, the route named.</param>
internal sealed record CompiledRoute(RouteModel Route, RouteEntry[] Entries, string[] NeverMatching);
