namespace Gateway.Node.Pipeline;

/// <summary>
/// The plugins that may run for one route, in Kong's order (PRIORITY descending), precomputed per
/// snapshot so that a route without plugins costs one dictionary look-up and nothing else.
/// </summary>
public sealed class RoutePlugins
{
    /// <summary>No plugin applies.</summary>
    public static readonly RoutePlugins None = new([]);

    /// <summary>Wraps steps already in order.</summary>
    public RoutePlugins(IReadOnlyList<PluginStep> steps)
    {
        Steps = steps;
    }

    /// <summary>The steps, highest priority first.</summary>
    public IReadOnlyList<PluginStep> Steps { get; }

    /// <summary>Whether any plugin may run.</summary>
    public bool IsEmpty => Steps.Count == 0;
}
