using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Jwt;

/// <summary>
/// Kong's jwt (kong/plugins/jwt/handler.lua): takes one token from the query, cookies or a
/// <c>Bearer</c> header, finds the jwt_secrets row its key claim names, checks the algorithm, the
/// signature and the registered claims, and authenticates the secret's consumer. Failures answer 401
/// with Kong's plain JSON body (not the error template) and a Bearer challenge, unless
/// <c>anonymous</c> applies.
/// </summary>
public sealed partial class JwtPlugin : GatewayPlugin<JwtConfig>
{
    /// <summary>Where the verified token is left for later plugins (Kong's <c>kong.ctx.shared.authenticated_jwt_token</c>).</summary>
    public const string SharedTokenKey = "authenticated_jwt_token";

    /// <inheritdoc />
    public override PluginSchema Schema => JwtSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [JwtCredentials.Schema];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, JwtConfig config)
    {
        if (!config.RunOnPreflight && HttpMethods.IsOptions(context.Http.Request.Method))
        {
            return;
        }

        if (config.Anonymous is { } anonymous)
        {
            if (context.Credential is null && await AuthenticateAsync(context, config) is not null)
            {
                await context.AuthenticateAnonymousAsync(anonymous);
            }

            return;
        }

        if (await AuthenticateAsync(context, config) is { } failure)
        {
            context.Exit(401, failure.Body, failure.Challenge is null ? null : [new("WWW-Authenticate", failure.Challenge)]);
        }
    }

    /// <summary>Kong's <c>\s*[Bb]earer\s+(.+)</c>, searched anywhere in the header.</summary>
    [GeneratedRegex(@"\s*[Bb]earer\s+(.+)", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex BearerPattern();

    /// <summary>Kong's <c>do_authentication</c>: null on success, else the 401 body and challenge.</summary>
    private static async ValueTask<Failure?> AuthenticateAsync(PluginContext context, JwtConfig config)
    {
        var (tokens, unrecognizable) = RetrieveTokens(context, config);
        var count = tokens.Count + (unrecognizable ? 1 : 0);
        if (count == 0)
        {
            return new Failure(PluginContext.Message("Unauthorized"), config.Challenge);
        }

        if (count > 1)
        {
            return Invalid(config, "Multiple tokens provided");
        }

        if (unrecognizable)
        {
            return Invalid(config, "Unrecognizable token");
        }

        var token = tokens.First();
        var (jwt, error) = JwtToken.Decode(token);
        if (jwt is null)
        {
            return Invalid(config, "Bad token; " + error);
        }

        var claimName = config.KeyClaimName;
        var keyNode = jwt.Claims[claimName] is JsonNode claim && !IsFalse(claim) ? claim : jwt.Header[claimName];
        if (keyNode is null || IsFalse(keyNode))
        {
            return Invalid(config, $"No mandatory '{claimName}' in claims");
        }

        var key = keyNode is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : keyNode.ToJsonString();
        if (key.Length == 0)
        {
            return Invalid(config, $"Invalid '{claimName}' in claims");
        }

        var secret = await context.Consumers.FindAsync(JwtCredentials.Schema.Name, "key", key);
        if (secret is null)
        {
            return Invalid(config, $"No credentials found for given '{claimName}'");
        }

        var algorithm = secret["algorithm"]?.GetValue<string>() ?? "HS256";
        if (jwt.Algorithm != algorithm)
        {
            return Invalid(config, "Invalid algorithm");
        }

        var text = algorithm.StartsWith("HS", StringComparison.Ordinal)
            ? secret["secret"]?.GetValue<string>()
            : secret["rsa_public_key"]?.GetValue<string>();
        var keyBytes = text is null ? null
            : config.SecretIsBase64 ? JwtToken.Base64Url(text)
            : Encoding.UTF8.GetBytes(text);
        if (keyBytes is null)
        {
            return Invalid(config, "Invalid key/secret");
        }

        if (!jwt.VerifySignature(keyBytes))
        {
            return Invalid(config, "Invalid signature");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (jwt.VerifyClaims(config.ClaimsToVerify ?? [], now) is { } claimErrors)
        {
            return new Failure(claimErrors, config.InvalidTokenChallenge);
        }

        if (config.MaximumExpiration > 0 && !jwt.WithinMaximumExpiration(config.MaximumExpiration, now))
        {
            return new Failure(new JsonObject { ["exp"] = "exceeds maximum allowed expiration" }, config.InvalidTokenChallenge);
        }

        var consumer = secret["consumer"]?["id"]?.GetValue<string>() is { } consumerId
            ? await context.Consumers.FindAsync("consumers", "id", consumerId)
            : null;
        if (consumer is null)
        {
            return new Failure(PluginContext.Message($"Could not find consumer for '{claimName}={key}'"), null);
        }

        context.Authenticate(consumer, secret);
        context.SetConsumerHeaders(consumer, secret["key"]?.GetValue<string>(), anonymous: false);
        context.Shared[SharedTokenKey] = token;
        return null;
    }

    /// <summary>
    /// Kong's <c>retrieve_tokens</c>: the distinct non-empty tokens of the query arguments, cookies and
    /// Bearer headers; a bare query argument (Lua's <c>true</c>) is an unrecognizable token.
    /// </summary>
    private static (HashSet<string> Tokens, bool Unrecognizable) RetrieveTokens(PluginContext context, JwtConfig config)
    {
        var request = context.Http.Request;
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var unrecognizable = false;
        var query = QueryArgs.Parse(request.QueryString.Value);
        foreach (var name in config.UriParamNames)
        {
            foreach (var value in query.Get(name))
            {
                if (value is null)
                {
                    unrecognizable = true;
                }
                else if (value.Length > 0)
                {
                    tokens.Add(value);
                }
            }
        }

        foreach (var name in config.CookieNames)
        {
            if (request.Cookies.TryGetValue(name, out var cookie) && !string.IsNullOrEmpty(cookie))
            {
                tokens.Add(cookie);
            }
        }

        for (var i = 0; i < config.HeaderNames.Length; i++)
        {
            if (HeaderAliases.TryGet(request.Headers, config.HeaderNames[i], config.HeaderNameAliases[i], out var values, out _)
                && values.Count > 0 && values[0] is { } header
                && BearerPattern().Match(header) is { Success: true } bearer && bearer.Groups[1].Value.Length > 0)
            {
                tokens.Add(bearer.Groups[1].Value);
            }
        }

        return (tokens, unrecognizable);
    }

    /// <summary>Lua's falsy values: a JSON false (null never reaches here).</summary>
    private static bool IsFalse(JsonNode node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.False;

    private static Failure Invalid(JwtConfig config, string message) => new(PluginContext.Message(message), config.InvalidTokenChallenge);

    /// <summary>A 401 answer: Kong's plain JSON body and, except for a missing consumer, a Bearer challenge.</summary>
    private sealed record Failure(JsonObject Body, string? Challenge);
}
