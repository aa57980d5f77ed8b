namespace Gateway.Node.Settings;

/// <summary>Kong's <c>router_flavor</c>: which route matching semantics apply.</summary>
public enum RouterFlavor
{
    /// <summary><c>traditional</c>: Kong's pre-3.0 router.</summary>
    Traditional,

    /// <summary><c>traditional_compatible</c>: traditional route fields with the 3.x priority rules (the default).</summary>
    TraditionalCompatible,

    /// <summary><c>expressions</c>: routes carry an <c>expression</c> and a <c>priority</c>.</summary>
    Expressions,
}
