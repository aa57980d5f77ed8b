using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>What the endpoints share (Kong 3.9 kong/plugins/oauth2/access.lua): errors, HTTPS, scopes, clients and token rows.</summary>
internal static partial class OAuth2Flow
{
    /// <summary>The headers of every endpoint answer.</summary>
    public static readonly KeyValuePair<string, string>[] NoStore = [new("cache-control", "no-store"), new("pragma", "no-cache")];

    /// <summary>Kong's challenge when client authentication by header fails.</summary>
    public const string BasicChallenge = "Basic realm=\"OAuth2.0\"";

    /// <summary>Kong's invalid_client description.</summary>
    public const string InvalidClient = "Invalid client authentication";

    /// <summary>An OAuth 2.0 error object.</summary>
    public static JsonObject Error(string error, string description) => new() { ["error"] = error, ["error_description"] = description };

    /// <summary>Kong's check_https: null when the request came over HTTPS (or, when allowed, a trusted proxy says so), else the description.</summary>
    public static string? HttpsError(PluginContext context, OAuth2Config config)
    {
        if (context.Http.Request.IsHttps)
        {
            return null;
        }

        if (!config.AcceptHttpIfAlreadyTerminated)
        {
            return "You must use HTTPS";
        }

        // The node takes X-Forwarded-Proto only from trusted_ips: a scheme of https on a plain connection came from one.
        var forwarded = context.Http.Request.Headers["X-Forwarded-Proto"];
        if (forwarded.Count > 1 && context.Scheme == forwarded[0]?.ToLowerInvariant())
        {
            return "Only one X-Forwarded-Proto header allowed";
        }

        return string.Equals(context.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? null : "You must use HTTPS";
    }

    /// <summary>Kong's retrieve_scope: the granted scopes (space separated, null for none), or the error.</summary>
    public static (string? Scope, JsonObject? Error) Scope(OAuth2Parameters parameters, OAuth2Config config)
    {
        if (config.Scopes is { } allowed && parameters.Has("scope"))
        {
            if (parameters["scope"] is not { } scope)
            {
                return (null, Error("invalid_scope", "scope must be a string"));
            }

            var granted = new List<string>();
            foreach (var name in scope.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!allowed.Contains(name, StringComparer.Ordinal))
                {
                    return (null, Error("invalid_scope", $"\"{name}\" is an invalid scope"));
                }

                granted.Add(name);
            }

            return (granted.Count > 0 ? string.Join(' ', granted) : null, null);
        }

        return !parameters.Has("scope") && config.MandatoryScope ? (null, Error("invalid_scope", "You must specify a scope")) : (null, null);
    }

    /// <summary>The application with this client_id, or null.</summary>
    public static Task<JsonObject?> ClientAsync(PluginContext context, string? clientId) =>
        string.IsNullOrEmpty(clientId) ? Task.FromResult<JsonObject?>(null) : context.Consumers.FindAsync(OAuth2Credentials.Schema.Name, "client_id", clientId);

    /// <summary>
    /// Kong's retrieve_client_credentials: client_id and client_secret parameters, else Basic credentials in the auth
    /// header (then <c>FromHeader</c>); a public client may send its client_id alone.
    /// </summary>
    public static (string? Id, string? Secret, bool FromHeader) ClientCredentials(PluginContext context, OAuth2Parameters parameters, OAuth2Config config)
    {
        if (parameters["client_id"] is { } id && parameters["client_secret"] is { } secret)
        {
            return (id, secret, false);
        }

        var header = context.Http.Request.Headers[config.HeaderName];
        if (header.Count > 0)
        {
            var match = BasicPattern().Match(header[0] ?? "");
            if (match.Success && NginxBase64.Decode(match.Groups[1].Value.Trim()) is { } decoded)
            {
                var parts = Encoding.UTF8.GetString(decoded).Split(':');
                return (parts[0], parts.Length > 1 ? parts[1] : null, true);
            }

            return (null, null, true);
        }

        return (parameters["client_id"], null, false);
    }

    /// <summary>Whether the given secret is the client's (hashed or not), checked on the verification pool when hashed.</summary>
    public static async ValueTask<VerificationOutcome> VerifySecretAsync(VerificationCache verdicts, JsonObject client, string? given)
    {
        var stored = client["client_secret"]?.GetValue<string>();
        if (stored is null || given is null)
        {
            return VerificationOutcome.Invalid;
        }

        if (client["hash_secret"]?.GetValue<bool>() == true && OAuth2Secret.IsHash(stored))
        {
            return await verdicts.VerifyAsync(client["id"]!.GetValue<string>(), stored, given, OAuth2Secret.Verify);
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(given))
            ? VerificationOutcome.Valid
            : VerificationOutcome.Invalid;
    }

    /// <summary>Whether the row (a code or a token) may be used on this route's service: its own, or none with global_credentials.</summary>
    public static bool SameService(PluginContext context, OAuth2Config config, JsonObject row) =>
        config.GlobalCredentials || (row["service"]?["id"]?.GetValue<string>() is { } service && service == context.ServiceId);

    /// <summary>
    /// Kong's generate_token: stores a token row for the client (replacing <paramref name="existing"/> with a new access
    /// token when refresh tokens are reused) and answers the token response; null when the client was deleted meanwhile.
    /// </summary>
    public static async Task<JsonObject?> IssueAsync(
        PluginContext context, OAuth2Config config, IRuntimeRowStore rows, JsonObject client, string? userId, string? scope, string? state,
        bool disableRefresh, JsonObject? existing = null)
    {
        var expiresIn = config.TokenSeconds;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var reuse = existing is not null && config.ReuseRefreshToken;
        var refresh = reuse ? existing!["refresh_token"]?.GetValue<string>()
            : !disableRefresh && expiresIn > 0 ? RandomString() : null;
        var row = new JsonObject
        {
            ["id"] = reuse ? existing!["id"]!.GetValue<string>() : Guid.NewGuid().ToString(),
            ["created_at"] = now,
            ["service"] = config.GlobalCredentials || context.ServiceId is null ? null : new JsonObject { ["id"] = context.ServiceId },
            ["credential"] = new JsonObject { ["id"] = client["id"]!.GetValue<string>() },
            ["token_type"] = "bearer",
            ["expires_in"] = expiresIn,
            ["access_token"] = RandomString(),
            ["refresh_token"] = refresh,
            ["authenticated_userid"] = userId,
            ["scope"] = scope,

            // Kong: the row (and its refresh token) is deleted refresh_token_ttl seconds after it was written.
            ["ttl"] = expiresIn > 0 && config.RefreshTokenTtl > 0 ? (long)config.RefreshTokenTtl : null,
        };
        if (!await rows.SaveAsync(OAuth2Tokens.Tokens.Name, row, reuse ? existing : null))
        {
            return null;
        }

        var answer = new JsonObject { ["access_token"] = row["access_token"]!.GetValue<string>(), ["token_type"] = "bearer" };
        if (expiresIn > 0)
        {
            answer["expires_in"] = expiresIn;
        }

        if (refresh is not null)
        {
            answer["refresh_token"] = refresh;
        }

        if (state is not null)
        {
            answer["state"] = state;
        }

        return answer;
    }

    /// <summary>Kong's random_string: 32 hex digits from a CSPRNG.</summary>
    public static string RandomString() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Kong's <c>\s*[Bb]asic\s*(.+)</c>, searched anywhere in the header.</summary>
    [GeneratedRegex(@"\s*[Bb]asic\s*(.+)", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex BasicPattern();
}
