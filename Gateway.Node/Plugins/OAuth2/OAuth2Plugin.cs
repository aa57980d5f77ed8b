using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>
/// Kong's oauth2 (kong/plugins/oauth2/handler.lua, access.lua): on the routes it runs on, a path ending in
/// <c>/oauth2/authorize</c> or <c>/oauth2/token</c> (or, when enabled, <c>/oauth2/introspect</c>) is served by the plugin;
/// any other request needs a bearer token it issued. Codes and tokens are run-time rows (<see cref="IRuntimeRowStore"/>):
/// issuing one moves no config version, and it is valid on every node at once, DB-less too.
/// </summary>
public sealed class OAuth2Plugin(PluginServices services) : GatewayPlugin<OAuth2Config>
{
    private readonly VerificationCache _verdicts = new(VerificationPool.Shared, TimeProvider.System);

    /// <inheritdoc />
    public override PluginSchema Schema => OAuth2Schema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [OAuth2Credentials.Schema, OAuth2Tokens.Codes, OAuth2Tokens.Tokens];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, OAuth2Config config)
    {
        // Resolved per request: the node may replace its control host (and so its grain factory).
        var rows = services.Get<IRuntimeRowStore>();
        switch (Endpoint(context.Path, config))
        {
            case { } endpoint when !HttpMethods.IsPost(context.Http.Request.Method):
                var description = $"The HTTP method {context.Http.Request.Method} is invalid for the {endpoint} endpoint";
                context.Exit(405, OAuth2Flow.Error("invalid_method", description),
                    [new("WWW-Authenticate", $"{config.Bearer} error=\"invalid_method\" error_description=\"{description}\"")]);
                return;
            case "token":
                await OAuth2TokenEndpoint.RunAsync(context, config, rows, _verdicts);
                return;
            case "authorization":
                await OAuth2Authorize.RunAsync(context, config, rows);
                return;
            case "introspection":
                await OAuth2Introspection.RunAsync(context, config, rows, _verdicts);
                return;
        }

        if (config.Anonymous is { } anonymous)
        {
            // Logical OR: another auth plugin already authenticated the request.
            if (context.Credential is not null)
            {
                OAuth2Resource.SetTokenHeaders(context, null);
                return;
            }

            if (await OAuth2Resource.AuthenticateAsync(context, config, rows) is not null && await context.AuthenticateAnonymousAsync(anonymous))
            {
                OAuth2Resource.SetTokenHeaders(context, null);
            }

            return;
        }

        if (await OAuth2Resource.AuthenticateAsync(context, config, rows) is var (body, challenge))
        {
            context.Exit(401, body, [new("WWW-Authenticate", challenge)]);
        }
    }

    /// <summary>Kong's path match: the endpoint the path ends with (a trailing '/' allowed), or null.</summary>
    private static string? Endpoint(string path, OAuth2Config config)
    {
        var trimmed = path.EndsWith('/') ? path.AsSpan(0, path.Length - 1) : path.AsSpan();
        return trimmed.EndsWith("/oauth2/token", StringComparison.Ordinal) ? "token"
            : trimmed.EndsWith("/oauth2/authorize", StringComparison.Ordinal) ? "authorization"
            : config.IntrospectionEndpoint && trimmed.EndsWith("/oauth2/introspect", StringComparison.Ordinal) ? "introspection"
            : null;
    }
}
