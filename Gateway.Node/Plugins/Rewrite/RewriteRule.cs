using System.Text.RegularExpressions;

namespace Gateway.Node.Plugins.Rewrite;

/// <summary>One rewrite rule as configured; <see cref="Regex"/> is compiled once per config version.</summary>
public sealed record RewriteRule(string Match, string? Path, string? Query, string? Host, Dictionary<string, string>? Headers)
{
    /// <summary>The compiled <see cref="Match"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Regex Regex { get; init; } = null!;
}
