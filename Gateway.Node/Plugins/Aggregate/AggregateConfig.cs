namespace Gateway.Node.Plugins.Aggregate;

/// <summary>The aggregate config (see <see cref="AggregateSchema"/>).</summary>
/// <param name="Backends">The backends, in merge order.</param>
/// <param name="Timeout">Milliseconds for the whole fan-out.</param>
/// <param name="IncludeStatus">Whether the answer carries <c>_status</c>.</param>
/// <param name="MaxResponseSize">The most bytes read of one backend's answer.</param>
public sealed record AggregateConfig(AggregateBackend[] Backends, int Timeout, bool IncludeStatus, long MaxResponseSize)
{
    /// <summary>The backends' positions, each after those it depends on: the order their calls are made in (set once per config version).</summary>
    public int[] Order { get; init; } = [];
}

/// <summary>One backend of an aggregate (see <see cref="AggregateSchema"/> for each field).</summary>
public sealed record AggregateBackend(
    string Name,
    string Service,
    string Path,
    string? Method,
    bool ForwardQuery,
    string[] ForwardHeaders,
    bool ForwardBody,
    string[] DependsOn,
    string? Group,
    string? Target,
    string[] Allow,
    string[] Deny,
    Dictionary<string, string>? Mapping,
    bool IsCollection,
    bool Required,
    int Timeout)
{
    /// <summary>The parsed <see cref="Path"/>, set once per config version.</summary>
    public PathTemplate Template { get; init; } = null!;

    /// <summary>The positions of <see cref="DependsOn"/> in the config's backends.</summary>
    public int[] Dependencies { get; init; } = [];
}
