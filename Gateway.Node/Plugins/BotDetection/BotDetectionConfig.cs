using System.Text.RegularExpressions;

namespace Gateway.Node.Plugins.BotDetection;

/// <summary>The bot-detection config (see <see cref="BotDetectionSchema"/>), its regexes compiled once.</summary>
public sealed record BotDetectionConfig(string[] Allow, string[] Deny)
{
    /// <summary>The allow regexes.</summary>
    public Regex[] AllowRules { get; init; } = [];

    /// <summary>The deny regexes.</summary>
    public Regex[] DenyRules { get; init; } = [];
}
