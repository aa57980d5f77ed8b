using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>
/// A test-only custom auth plugin that owns an entity, as key-auth owns keyauth_credentials: tokens
/// (test_tokens, served at /test-tokens and /consumers/{consumer}/test-tokens) authenticate their
/// consumer from the X-Test-Token header. Loaded into nodes by naming this test assembly in <c>plugins</c>.
/// </summary>
public sealed class TokenAuthPlugin : GatewayPlugin<TokenAuthPlugin.Config>
{
    /// <summary>The plugin name.</summary>
    public const string PluginName = "test-token-auth";

    /// <summary>The entity the plugin owns: one token of a consumer.</summary>
    public static EntitySchema Tokens { get; } = new("test_tokens", CredentialFields.With(
        new Field("token", FieldType.String) { Required = true, Unique = true, Description = "The token." }))
    {
        EndpointKey = "token",
        AdminPath = "test-tokens",
    };

    /// <inheritdoc />
    public override PluginSchema Schema { get; } = new(PluginName, 1001, new Field("config", FieldType.Record) { Fields = [], Required = true });

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [Tokens];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, Config config)
    {
        var token = context.Http.Request.Headers["X-Test-Token"].ToString();
        var row = token.Length > 0 ? await context.Consumers.FindAsync(Tokens.Name, "token", token) : null;
        var consumer = row?["consumer"]?["id"]?.GetValue<string>() is { } id ? await context.Consumers.FindAsync("consumers", "id", id) : null;
        if (consumer is null)
        {
            context.Error(401, "Unauthorized");
            return;
        }

        context.Authenticate(consumer, row);
        context.SetConsumerHeaders(consumer, row!["id"]?.GetValue<string>(), anonymous: false);
    }

    /// <summary>No settings.</summary>
    public sealed record Config;
}
