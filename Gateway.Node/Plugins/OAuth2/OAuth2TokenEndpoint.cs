using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>
/// Kong's issue_token (<c>POST …/oauth2/token</c>): the authorization_code and refresh_token grants always, client_credentials
/// and password when enabled. Errors are 400, or 401 with a Basic challenge when the client authenticated by header.
/// </summary>
internal static class OAuth2TokenEndpoint
{
    /// <summary>Handles the request.</summary>
    public static async ValueTask RunAsync(PluginContext context, OAuth2Config config, IRuntimeRowStore rows, VerificationCache verdicts)
    {
        var parameters = await OAuth2Parameters.ReadAsync(context);
        var state = parameters["state"];
        var (answer, status, challenge) = await AnswerAsync(context, config, rows, verdicts, parameters, state);
        if (answer.ContainsKey("error") && state is not null)
        {
            answer["state"] = state;
        }

        KeyValuePair<string, string>[] headers = challenge ? [.. OAuth2Flow.NoStore, new("WWW-Authenticate", OAuth2Flow.BasicChallenge)] : OAuth2Flow.NoStore;
        context.Exit(status ?? (answer.ContainsKey("error") ? 400 : 200), answer, headers);
    }

    private static async Task<(JsonObject Answer, int? Status, bool Challenge)> AnswerAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, VerificationCache verdicts, OAuth2Parameters parameters, string? state)
    {
        if (OAuth2Flow.HttpsError(context, config) is { } https)
        {
            return (OAuth2Flow.Error("access_denied", https), null, false);
        }

        var grant = parameters["grant_type"];
        JsonObject? error = grant is "authorization_code" or "refresh_token"
            || (grant == "client_credentials" && config.EnableClientCredentials) || (grant == "password" && config.EnablePasswordGrant)
            ? null
            : OAuth2Flow.Error("unsupported_grant_type", "Invalid grant_type");
        var (client, clientError) = await AuthenticateClientAsync(context, config, verdicts, parameters);
        switch (clientError)
        {
            case { Busy: true }:
                return (OAuth2Flow.Error("invalid_client", VerificationPool.BusyMessage), 429, false);
            case { Answer: { } invalid }:
                return (invalid, clientError.Value.FromHeader ? 401 : null, clientError.Value.FromHeader);
        }

        if (grant != "client_credentials" && RedirectError(client!, parameters) is { } redirect)
        {
            error = redirect;
        }

        if (error is not null)
        {
            return (error, null, false);
        }

        var answer = grant switch
        {
            "authorization_code" => await CodeGrantAsync(context, config, rows, parameters, client!, state),
            "refresh_token" => await RefreshGrantAsync(context, config, rows, parameters, client!, state),
            "client_credentials" => await ClientCredentialsGrantAsync(context, config, rows, parameters, client!, state),
            _ => await PasswordGrantAsync(context, config, rows, parameters, client!, state),
        };
        return (answer, null, false);
    }

    /// <summary>The client, or why it is refused (invalid_client; a public client that sent a secret).</summary>
    public static async Task<(JsonObject? Client, (JsonObject? Answer, bool FromHeader, bool Busy)? Error)> AuthenticateClientAsync(
        PluginContext context, OAuth2Config config, VerificationCache verdicts, OAuth2Parameters parameters)
    {
        var (id, secret, fromHeader) = OAuth2Flow.ClientCredentials(context, parameters, config);
        var client = await OAuth2Flow.ClientAsync(context, id);
        if (client is null)
        {
            return (null, (OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient), fromHeader, false));
        }

        if (client["client_type"]?.GetValue<string>() == "public")
        {
            return secret is null ? (client, null) : (null, (OAuth2Flow.Error("invalid_request", "client_secret is disallowed for public clients"), false, false));
        }

        return await OAuth2Flow.VerifySecretAsync(verdicts, client, secret) switch
        {
            VerificationOutcome.Valid => (client, null),
            VerificationOutcome.Busy => (null, (null, false, true)),
            _ => (null, (OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient), fromHeader, false)),
        };
    }

    /// <summary>Kong: the redirect_uri sent (or the first registered) must be one of the client's.</summary>
    private static JsonObject? RedirectError(JsonObject client, OAuth2Parameters parameters)
    {
        var allowed = client["redirect_uris"] is JsonArray uris ? uris.Select(u => u?.GetValue<string>()).OfType<string>().ToList() : [];
        if (allowed.Count == 0)
        {
            return OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient);
        }

        return allowed.Contains(parameters["redirect_uri"] ?? allowed[0])
            ? null
            : OAuth2Flow.Error("invalid_request", "Invalid redirect_uri that does not match with any redirect_uri created with the application");
    }

    private static async Task<JsonObject> CodeGrantAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, OAuth2Parameters parameters, JsonObject client, string? state)
    {
        var invalid = OAuth2Flow.Error("invalid_request", "Invalid code");
        var value = parameters["code"];
        if (await FindOwnedAsync(context, config, rows, OAuth2Tokens.Codes.Name, "code", value, client) is not { } code)
        {
            return invalid;
        }

        if ((code["challenge"] is not null || client["client_type"]?.GetValue<string>() == "public")
            && VerifierError(parameters, code["challenge"]?.GetValue<string>()) is { } pkce)
        {
            return pkce;
        }

        // Single use: of concurrent exchanges of one code, only the one that takes it gets a token.
        if (await rows.TakeAsync(OAuth2Tokens.Codes.Name, "code", value!) is null)
        {
            return invalid;
        }

        return await OAuth2Flow.IssueAsync(
            context, config, rows, client, code["authenticated_userid"]?.GetValue<string>(), code["scope"]?.GetValue<string>(), state, disableRefresh: false)
            ?? invalid;
    }

    /// <summary>The code or token row <paramref name="value"/> names, when it was issued to <paramref name="client"/> for this plugin's service; else null.</summary>
    private static async Task<JsonObject?> FindOwnedAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, string table, string field, string? value, JsonObject client)
    {
        var row = value is null ? null : await rows.FindAsync(table, field, value);
        return row is not null && OAuth2Flow.SameService(context, config, row) && row["credential"]?["id"]?.GetValue<string>() == client["id"]!.GetValue<string>()
            ? row
            : null;
    }

    /// <summary>Kong's validate_pkce_verifier: the code_verifier's S256 digest must be the code's challenge.</summary>
    private static JsonObject? VerifierError(OAuth2Parameters parameters, string? challenge)
    {
        if (!parameters.Has("code_verifier"))
        {
            return OAuth2Flow.Error("invalid_request", "code_verifier is required for PKCE authorization requests");
        }

        if (parameters["code_verifier"] is not { } verifier)
        {
            return OAuth2Flow.Error("invalid_request", "code_verifier is not a string");
        }

        if (verifier.Length is < 43 or > 128)
        {
            return OAuth2Flow.Error("invalid_request", "code_verifier must be between 43 and 128 characters");
        }

        var digest = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return challenge is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(digest), Encoding.ASCII.GetBytes(challenge))
            ? null
            : OAuth2Flow.Error("invalid_grant", "Invalid code");
    }

    private static async Task<JsonObject> RefreshGrantAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, OAuth2Parameters parameters, JsonObject client, string? state)
    {
        var invalid = OAuth2Flow.Error("invalid_request", "Invalid refresh_token");
        var value = parameters["refresh_token"];
        if (await FindOwnedAsync(context, config, rows, OAuth2Tokens.Tokens.Name, "refresh_token", value, client) is not { } token)
        {
            return invalid;
        }

        var scope = token["scope"]?.GetValue<string>();
        if (config.Scopes is { } allowed && scope is not null
            && scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => !allowed.Contains(s, StringComparer.Ordinal)))
        {
            return OAuth2Flow.Error("invalid_scope", "Scope mismatch");
        }

        if (!config.ReuseRefreshToken)
        {
            // The old token goes: of concurrent refreshes with it, only the one that takes it gets a new one.
            if (await rows.TakeAsync(OAuth2Tokens.Tokens.Name, "refresh_token", value!) is null)
            {
                return invalid;
            }
        }

        return await OAuth2Flow.IssueAsync(
            context, config, rows, client, token["authenticated_userid"]?.GetValue<string>(), scope, state, disableRefresh: false, existing: token)
            ?? invalid;
    }

    private static async Task<JsonObject> ClientCredentialsGrantAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, OAuth2Parameters parameters, JsonObject client, string? state)
    {
        // Kong checks the provision_key only when an authenticated_userid is set.
        if (parameters.Has("authenticated_userid") && config.ProvisionKey != parameters["provision_key"])
        {
            return OAuth2Flow.Error("invalid_provision_key", "Invalid provision_key");
        }

        var (scope, error) = OAuth2Flow.Scope(parameters, config);
        return error ?? await OAuth2Flow.IssueAsync(context, config, rows, client, parameters["authenticated_userid"], scope, state, disableRefresh: true)
            ?? OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient);
    }

    private static async Task<JsonObject> PasswordGrantAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, OAuth2Parameters parameters, JsonObject client, string? state)
    {
        if (config.ProvisionKey != parameters["provision_key"])
        {
            return OAuth2Flow.Error("invalid_provision_key", "Invalid provision_key");
        }

        if (string.IsNullOrWhiteSpace(parameters["authenticated_userid"]))
        {
            return OAuth2Flow.Error("invalid_authenticated_userid", "Missing authenticated_userid parameter");
        }

        var (scope, error) = OAuth2Flow.Scope(parameters, config);
        return error ?? await OAuth2Flow.IssueAsync(context, config, rows, client, parameters["authenticated_userid"], scope, state, disableRefresh: false)
            ?? OAuth2Flow.Error("invalid_client", OAuth2Flow.InvalidClient);
    }
}
