namespace Gateway.Node.Routing;

/// <summary>The HTTP-family protocols a route allows.</summary>
[Flags]
public enum RouteProtocols
{
    /// <summary>None of the HTTP family (a stream route).</summary>
    None = 0,

    /// <summary>http.</summary>
    Http = 1,

    /// <summary>https.</summary>
    Https = 2,

    /// <summary>grpc.</summary>
    Grpc = 4,

    /// <summary>grpcs.</summary>
    Grpcs = 8,
}
