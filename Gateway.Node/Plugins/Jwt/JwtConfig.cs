using Gateway.Plugins.Sdk.Pdk;


namespace Gateway.Node.Plugins.Jwt;

/// <summary>The jwt config (see <see cref="JwtSchema"/>).</summary>
/// <param name="UriParamNames">Query arguments that may hold a token.</param>
/// <param name="CookieNames">Cookies that may hold a token.</param>
/// <param name="KeyClaimName">The claim (or header field) naming the jwt_secrets key.</param>
/// <param name="SecretIsBase64">Whether the secret (or public key) is stored base64url-encoded.</param>
/// <param name="ClaimsToVerify">Registered claims checked: exp, nbf.</param>
/// <param name="Anonymous">The consumer (id or username) used when authentication fails.</param>
/// <param name="RunOnPreflight">Whether OPTIONS requests are authenticated too.</param>
/// <param name="MaximumExpiration">Longest accepted lifetime left, in seconds; 0 for no limit.</param>
/// <param name="HeaderNames">Headers that may hold a <c>Bearer</c> token.</param>
/// <param name="Realm">The WWW-Authenticate realm.</param>
public sealed record JwtConfig(
    string[] UriParamNames,
    string[] CookieNames,
    string KeyClaimName,
    bool SecretIsBase64,
    string[]? ClaimsToVerify,
    string? Anonymous,
    bool RunOnPreflight,
    double MaximumExpiration,
    string[] HeaderNames,
    string? Realm)
{
    /// <summary>Kong's challenge when no token was sent: <c>Bearer</c>, with the realm when set.</summary>
    public string Challenge { get; } = Realm is null ? "Bearer" : $"Bearer realm=\"{Realm}\"";

    /// <summary>Kong's challenge for a bad token: the plain one with <c>error="invalid_token"</c>.</summary>
    public string InvalidTokenChallenge { get; } = (Realm is null ? "Bearer" : $"Bearer realm=\"{Realm}\"") + " error=\"invalid_token\"";

    /// <summary>Per header name, the hyphenated name Kong also reads it from (see <see cref="HeaderAliases"/>); computed once.</summary>
    public string?[] HeaderNameAliases { get; } = HeaderAliases.For(HeaderNames ?? []);
}
