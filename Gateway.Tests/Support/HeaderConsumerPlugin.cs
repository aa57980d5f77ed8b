using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Tests.Support;

/// <summary>
/// A test-only auth plugin, loaded into nodes by naming this test assembly in the <c>plugins</c>
/// setting: authenticates the consumer whose username the X-Test-Consumer header names, so scoping
/// tests need no real credential plugin.
/// </summary>
public sealed class HeaderConsumerPlugin : GatewayPlugin<HeaderConsumerPlugin.Config>
{
    /// <summary>The plugin name.</summary>
    public const string PluginName = "test-header-consumer";

    /// <inheritdoc />
    public override PluginSchema Schema { get; } = new(PluginName, 1000, new Field("config", FieldType.Record) { Fields = [], Required = true });

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, Config config)
    {
        var username = context.Http.Request.Headers["X-Test-Consumer"].ToString();
        if (username.Length > 0 && await context.Consumers.FindAsync("consumers", "username", username) is { } consumer)
        {
            context.Authenticate(consumer, null);
            context.SetConsumerHeaders(consumer, null, anonymous: false);
        }
    }

    /// <summary>No settings.</summary>
    public sealed record Config;
}
