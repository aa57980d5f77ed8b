using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>
/// Ours, not Kong's (Kong/kong#1540): RFC 7662 token introspection at <c>POST …/oauth2/introspect</c> when
/// <c>introspection_endpoint</c> is on. The caller authenticates as a client of this plugin (as at the token endpoint);
/// a token that is unknown, expired or not valid on this route's service is <c>{"active":false}</c>.
/// </summary>
internal static class OAuth2Introspection
{
    /// <summary>Handles the request.</summary>
    public static async ValueTask RunAsync(PluginContext context, OAuth2Config config, IRuntimeRowStore rows, VerificationCache verdicts)
    {
        if (OAuth2Flow.HttpsError(context, config) is { } https)
        {
            context.Exit(400, OAuth2Flow.Error("access_denied", https), OAuth2Flow.NoStore);
            return;
        }

        var parameters = await OAuth2Parameters.ReadAsync(context);
        var (_, refused) = await OAuth2TokenEndpoint.AuthenticateClientAsync(context, config, verdicts, parameters);
        switch (refused)
        {
            case { Busy: true }:
                context.Exit(429, OAuth2Flow.Error("invalid_client", VerificationPool.BusyMessage), OAuth2Flow.NoStore);
                return;
            case { Answer: { } invalid }:
                // RFC 7662 section 2.3: an unauthenticated caller gets 401.
                context.Exit(401, invalid, [.. OAuth2Flow.NoStore, new("WWW-Authenticate", OAuth2Flow.BasicChallenge)]);
                return;
        }

        if (parameters["token"] is not { Length: > 0 } value)
        {
            context.Exit(400, OAuth2Flow.Error("invalid_request", "Missing token parameter"), OAuth2Flow.NoStore);
            return;
        }

        var token = await rows.FindAsync(OAuth2Tokens.Tokens.Name, "access_token", value);
        var client = token?["credential"]?["id"]?.GetValue<string>() is { } id ? await context.Consumers.FindAsync(OAuth2Credentials.Schema.Name, "id", id) : null;
        if (token is null || client is null || OAuth2Resource.Invalid(context, config, token) is not null)
        {
            context.Exit(200, new JsonObject { ["active"] = false }, OAuth2Flow.NoStore);
            return;
        }

        var created = token["created_at"]!.GetValue<long>();
        var expiresIn = token["expires_in"]!.GetValue<long>();
        var answer = new JsonObject
        {
            ["active"] = true,
            ["scope"] = token["scope"]?.GetValue<string>(),
            ["client_id"] = client["client_id"]?.GetValue<string>(),
            ["username"] = token["authenticated_userid"]?.GetValue<string>(),
            ["token_type"] = "bearer",
            ["iat"] = created,
        };
        if (expiresIn > 0)
        {
            answer["exp"] = created + expiresIn;
        }

        // RFC 7662: members without a value are left out.
        foreach (var name in answer.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            answer.Remove(name);
        }

        context.Exit(200, answer, OAuth2Flow.NoStore);
    }
}
