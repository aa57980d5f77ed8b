using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>
/// Kong's authorize (<c>POST …/oauth2/authorize</c>), called by the application's own authorization page: answers 200
/// with a JSON <c>redirect_uri</c> carrying a code (or, implicit, a token in the fragment), or 400 with the error in that
/// URI when one is known, else in the body.
/// </summary>
internal static class OAuth2Authorize
{
    /// <summary>Handles the request.</summary>
    public static async ValueTask RunAsync(PluginContext context, OAuth2Config config, IRuntimeRowStore rows)
    {
        var parameters = await OAuth2Parameters.ReadAsync(context);
        var state = parameters["state"];
        JsonObject answer = [];
        string? redirectUri = null;
        var implicitGrant = false;
        if (OAuth2Flow.HttpsError(context, config) is { } https)
        {
            answer = OAuth2Flow.Error("access_denied", https);
        }
        else if (config.ProvisionKey != parameters["provision_key"])
        {
            answer = OAuth2Flow.Error("invalid_provision_key", "Invalid provision_key");
        }
        else if (string.IsNullOrWhiteSpace(parameters["authenticated_userid"]))
        {
            answer = OAuth2Flow.Error("invalid_authenticated_userid", "Missing authenticated_userid parameter");
        }
        else
        {
            // As Kong: each check may replace the error of the one before.
            var responseType = parameters["response_type"];
            if (!((responseType == "code" && config.EnableAuthorizationCode) || (responseType == "token" && config.EnableImplicitGrant)))
            {
                answer = OAuth2Flow.Error("unsupported_response_type", "Invalid response_type");
            }

            var (scope, scopeError) = OAuth2Flow.Scope(parameters, config);
            answer = scopeError ?? answer;
            var client = await OAuth2Flow.ClientAsync(context, parameters["client_id"]);
            var allowed = RedirectUris(client);
            if (client is null || allowed.Count == 0)
            {
                answer = OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient);
            }
            else
            {
                redirectUri = parameters["redirect_uri"] ?? allowed[0];
                if (!allowed.Contains(redirectUri))
                {
                    answer = OAuth2Flow.Error("invalid_request", "Invalid redirect_uri that does not match with any redirect_uri created with the application");
                    redirectUri = allowed[0];
                }
            }

            if (!answer.ContainsKey("error") && client is not null)
            {
                var userId = parameters["authenticated_userid"];
                if (responseType == "code")
                {
                    answer = await CodeAsync(context, config, rows, parameters, client, userId, scope);
                }
                else
                {
                    answer = await OAuth2Flow.IssueAsync(context, config, rows, client, userId, scope, state, disableRefresh: true)
                        ?? OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient);
                    implicitGrant = true;
                }
            }
        }

        if (state is not null)
        {
            answer["state"] = state;
        }

        var status = answer.ContainsKey("error") ? 400 : 200;
        context.Exit(status, redirectUri is null ? answer : new JsonObject { ["redirect_uri"] = WithParameters(redirectUri, answer, implicitGrant) }, OAuth2Flow.NoStore);
    }

    /// <summary>A code row for the client, with the PKCE challenge when one was sent (or is required): the code, or the error.</summary>
    private static async Task<JsonObject> CodeAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, OAuth2Parameters parameters, JsonObject client, string? userId, string? scope)
    {
        if (ChallengeError(config, parameters, client) is { } error)
        {
            return OAuth2Flow.Error("invalid_request", error);
        }

        var challenge = parameters["code_challenge"];
        var code = OAuth2Flow.RandomString();
        var row = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["service"] = config.GlobalCredentials || context.ServiceId is null ? null : new JsonObject { ["id"] = context.ServiceId },
            ["credential"] = new JsonObject { ["id"] = client["id"]!.GetValue<string>() },
            ["code"] = code,
            ["authenticated_userid"] = userId,
            ["scope"] = scope,
            ["challenge"] = challenge,
            ["challenge_method"] = challenge is null ? null : "S256",
            ["ttl"] = OAuth2Tokens.CodeTtl,
        };
        return await rows.SaveAsync(OAuth2Tokens.Codes.Name, row)
            ? new JsonObject { ["code"] = code }
            : OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient);
    }

    /// <summary>Kong's PKCE rules for a code request: only S256 (any case); required of public clients unless pkce=none, of all with strict.</summary>
    private static string? ChallengeError(OAuth2Config config, OAuth2Parameters parameters, JsonObject client)
    {
        var method = parameters["code_challenge_method"];
        if (!parameters.Has("code_challenge"))
        {
            if (parameters.Has("code_challenge_method"))
            {
                return "code_challenge is required when code_method is present";
            }

            var isPublic = client["client_type"]?.GetValue<string>() == "public";
            return isPublic && config.Pkce != "none" ? "code_challenge is required for public clients"
                : config.Pkce == "strict" ? "code_challenge is required for confidential clients"
                : null;
        }

        if (parameters["code_challenge"] is null)
        {
            return "code_challenge is not a string";
        }

        return method is null || method.Equals("S256", StringComparison.OrdinalIgnoreCase)
            ? null
            : "code_challenge_method is not supported, must be S256";
    }

    private static List<string> RedirectUris(JsonObject? client) =>
        client?["redirect_uris"] is JsonArray uris ? [.. uris.Select(u => u?.GetValue<string>()).OfType<string>()] : [];

    /// <summary>
    /// The redirect URI with the answer's parameters merged into its query (its fragment, implicit), as Kong's
    /// encode_args writes them: sorted by name.
    /// </summary>
    private static string WithParameters(string uri, JsonObject answer, bool inFragment)
    {
        var hash = uri.IndexOf('#', StringComparison.Ordinal);
        var (beforeFragment, fragment) = hash < 0 ? (uri, null) : (uri[..hash], uri[(hash + 1)..]);
        var question = beforeFragment.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = question < 0 ? (beforeFragment, null) : (beforeFragment[..question], beforeFragment[(question + 1)..]);
        var merged = QueryArgs.ParseForm(inFragment ? fragment : query);
        foreach (var (name, value) in answer)
        {
            merged.Set(name, value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString());
        }

        var encoded = string.Join('&', merged.Names.Order(StringComparer.Ordinal)
            .SelectMany(name => merged.Get(name).Select(v => v is null ? Uri.EscapeDataString(name) : $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(v)}")));
        return inFragment
            ? $"{beforeFragment}#{encoded}"
            : $"{path}?{encoded}{(fragment is null ? "" : "#" + fragment)}";
    }
}
