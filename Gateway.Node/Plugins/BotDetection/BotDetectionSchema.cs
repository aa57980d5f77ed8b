using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.BotDetection;

/// <summary>The bot-detection plugin's config (Kong 3.9 kong/plugins/bot-detection/schema.lua).</summary>
public static class BotDetectionSchema
{
    /// <summary>Kong's bot-detection handler PRIORITY.</summary>
    public const int Priority = 2500;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("bot-detection", Priority, Record("config", "The bot-detection settings.",
        Array("allow", Regex("user_agent"), "User-Agent regexes allowed even when they match a known bot.", Typedefs.Strings()),
        Array("deny", Regex("user_agent"), "User-Agent regexes denied in addition to the known bots.", Typedefs.Strings())))
    {
        NoConsumer = true,
    };
}
