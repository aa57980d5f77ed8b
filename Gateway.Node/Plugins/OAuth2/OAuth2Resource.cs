using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>Kong's do_authentication: a request to the protected API with a bearer token; sets the consumer and its headers.</summary>
internal static class OAuth2Resource
{
    /// <summary>Kong's description of a token that is unknown, expired or for another service.</summary>
    public const string InvalidToken = "The access token is invalid or has expired";

    /// <summary>Kong's description of a global token on a plugin without global_credentials.</summary>
    public const string GlobalToken = "The access token is global, but the current plugin is configured without 'global_credentials'";

    /// <summary>Null when authenticated, else the 401 to answer (body, WWW-Authenticate).</summary>
    public static async Task<(JsonObject Body, string Challenge)?> AuthenticateAsync(PluginContext context, OAuth2Config config, IRuntimeRowStore rows)
    {
        var accessToken = await ReadTokenAsync(context, config);
        if (string.IsNullOrEmpty(accessToken))
        {
            return (OAuth2Flow.Error("invalid_request", "The access token is missing"), config.Bearer);
        }

        var token = await rows.FindAsync(OAuth2Tokens.Tokens.Name, "access_token", accessToken);
        if (token is null)
        {
            return InvalidAnswer(config, InvalidToken);
        }

        if (Invalid(context, config, token) is { } reason)
        {
            return InvalidAnswer(config, reason);
        }

        var credential = token["credential"]?["id"]?.GetValue<string>() is { } credentialId
            ? await context.Consumers.FindAsync(OAuth2Credentials.Schema.Name, "id", credentialId)
            : null;
        var consumer = credential?["consumer"]?["id"]?.GetValue<string>() is { } consumerId ? await context.Consumers.FindAsync("consumers", "id", consumerId) : null;
        if (credential is null || consumer is null)
        {
            // The application (or its consumer) was deleted: its tokens go with it.
            return InvalidAnswer(config, InvalidToken);
        }

        context.Authenticate(consumer, credential);
        context.SetConsumerHeaders(consumer, credential["client_id"]?.GetValue<string>(), anonymous: false);
        SetTokenHeaders(context, token);
        return null;
    }

    private static (JsonObject Body, string Challenge) InvalidAnswer(OAuth2Config config, string reason) =>
        (OAuth2Flow.Error("invalid_token", reason), $"{config.Bearer} error=\"invalid_token\" error_description=\"{reason}\"");

    /// <summary>Kong's X-Authenticated-Scope and X-Authenticated-UserId: the token's, or removed (a client cannot forge them).</summary>
    public static void SetTokenHeaders(PluginContext context, JsonObject? token)
    {
        var headers = context.Http.Request.Headers;
        Set("X-Authenticated-Scope", token?["scope"]?.GetValue<string>());
        Set("X-Authenticated-UserId", token?["authenticated_userid"]?.GetValue<string>());

        void Set(string name, string? value)
        {
            if (value is null)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }
    }

    /// <summary>Why a found token is refused here (another service, global, expired), or null.</summary>
    public static string? Invalid(PluginContext context, OAuth2Config config, JsonObject token)
    {
        var service = token["service"]?["id"]?.GetValue<string>();
        if (service is null && !config.GlobalCredentials)
        {
            return GlobalToken;
        }

        if (service is not null && service != context.ServiceId)
        {
            return InvalidToken;
        }

        var expiresIn = token["expires_in"]?.GetValue<long>() ?? 0;
        var created = token["created_at"]?.GetValue<long>() ?? 0;
        return expiresIn > 0 && DateTimeOffset.UtcNow.ToUnixTimeSeconds() - created > expiresIn ? InvalidToken : null;
    }

    /// <summary>Kong's parse_access_token: <c>Bearer</c> or <c>Token</c> in the auth header, else <c>access_token</c>; hidden when configured.</summary>
    private static async Task<string?> ReadTokenAsync(PluginContext context, OAuth2Config config)
    {
        var request = context.Http.Request;
        string? token;
        var inHeader = false;
        if (request.Headers[config.HeaderName] is { Count: > 0 } header)
        {
            token = header[0];
            var parts = (token ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && (parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase) || parts[0].Equals("token", StringComparison.OrdinalIgnoreCase)))
            {
                token = parts[1];
                inHeader = true;
            }
        }
        else
        {
            token = (await OAuth2Parameters.ReadAsync(context))["access_token"];
            if (token is null)
            {
                return null;
            }
        }

        if (config.HideCredentials)
        {
            if (inHeader)
            {
                request.Headers.Remove(config.HeaderName);
            }
            else
            {
                context.UpstreamQuery = QueryArgs.Parse(context.UpstreamQuery).Without("access_token").ToQueryString(QueryArgsEncoding.AsSent);
                if (!HttpMethods.IsGet(request.Method) && request.ContentType?.Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
                    && await RequestBodies.ReadAsync(request) is { } bytes && await FormBody.ParseAsync(bytes, request.ContentType) is { } body)
                {
                    RequestBodies.Replace(request, body.Without("access_token"));
                }
            }
        }

        return token;
    }
}
