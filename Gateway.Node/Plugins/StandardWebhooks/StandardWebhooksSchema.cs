using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.StandardWebhooks;

/// <summary>The standard-webhooks plugin's config (Kong 3.9 kong/plugins/standard-webhooks/schema.lua).</summary>
public static class StandardWebhooksSchema
{
    /// <summary>Kong's standard-webhooks handler PRIORITY.</summary>
    public const int Priority = 760;

    /// <summary>The plugin schema: never scoped to a consumer (Kong's <c>typedefs.no_consumer</c>).</summary>
    public static PluginSchema Schema { get; } = new("standard-webhooks", Priority, Record("config", "The standard-webhooks settings.",
        Str("secret_v1", "Webhook secret") with { Required = true, Referenceable = true },
        Int("tolerance_second", "Tolerance of the webhook timestamp in seconds. If the webhook timestamp is older than this number of seconds, it will be rejected with a '400' response.", 5 * 60) with
        {
            Required = true,
            Gt = -1,
        }))
    {
        NoConsumer = true,
    };
}
