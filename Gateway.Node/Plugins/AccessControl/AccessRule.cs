using System.Net;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Gateway.Node.Plugins.AccessControl;

/// <summary>One access-control rule as configured; the compiled matchers are filled once per config version.</summary>
public sealed record AccessRule(
    string Action,
    string[]? Consumers,
    string[]? ConsumerGroups,
    string[]? Methods,
    string[]? Paths,
    Dictionary<string, string>? Headers,
    string[]? Sources)
{
    /// <summary>The path prefixes (entries without '~').</summary>
    [JsonIgnore]
    public string[] PathPrefixes { get; init; } = [];

    /// <summary>The path regexes (entries with '~').</summary>
    [JsonIgnore]
    public Regex[] PathRegexes { get; init; } = [];

    /// <summary>The parsed sources.</summary>
    [JsonIgnore]
    public IPNetwork[] Networks { get; init; } = [];
}
