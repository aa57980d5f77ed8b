namespace Gateway.Node.Plugins.Rewrite;

/// <summary>The rewrite config (see <see cref="RewriteSchema"/>): the rules in order.</summary>
public sealed record RewriteConfig(RewriteRule[] Rules);
