namespace Gateway.Node.Plugins.OAuth2;

/// <summary>The oauth2 config (see <see cref="OAuth2Schema"/>).</summary>
/// <param name="Scopes">The scopes a client may ask for; null: any scope is ignored.</param>
/// <param name="MandatoryScope">Whether a scope must be asked for.</param>
/// <param name="ProvisionKey">The key the authorization page (and the password grant) sends.</param>
/// <param name="TokenExpiration">Seconds an access token lives; 0 for ever, without refresh tokens.</param>
/// <param name="EnableAuthorizationCode">The authorization code grant.</param>
/// <param name="EnableImplicitGrant">The implicit grant.</param>
/// <param name="EnableClientCredentials">The client credentials grant.</param>
/// <param name="EnablePasswordGrant">The password grant.</param>
/// <param name="HideCredentials">Whether the access token is stripped before proxying.</param>
/// <param name="AcceptHttpIfAlreadyTerminated">Whether a trusted X-Forwarded-Proto: https counts as HTTPS.</param>
/// <param name="Anonymous">The consumer (id or username) used when authentication fails.</param>
/// <param name="GlobalCredentials">Whether tokens are valid on every service whose plugin has it too.</param>
/// <param name="AuthHeaderName">The header with the bearer token and the client's Basic credentials.</param>
/// <param name="RefreshTokenTtl">Seconds a token row (and its refresh token) lives; 0 for ever.</param>
/// <param name="ReuseRefreshToken">Whether a refresh keeps the refresh token.</param>
/// <param name="Pkce">none, lax or strict.</param>
/// <param name="Realm">The WWW-Authenticate realm.</param>
/// <param name="IntrospectionEndpoint">Whether /oauth2/introspect is served (ours).</param>
public sealed record OAuth2Config(
    string[]? Scopes,
    bool MandatoryScope,
    string ProvisionKey,
    double TokenExpiration,
    bool EnableAuthorizationCode,
    bool EnableImplicitGrant,
    bool EnableClientCredentials,
    bool EnablePasswordGrant,
    bool HideCredentials,
    bool AcceptHttpIfAlreadyTerminated,
    string? Anonymous,
    bool GlobalCredentials,
    string? AuthHeaderName,
    double RefreshTokenTtl,
    bool ReuseRefreshToken,
    string? Pkce,
    string? Realm,
    bool IntrospectionEndpoint)
{
    /// <summary>Kong's challenge prefix: <c>Bearer</c>, with the realm when set.</summary>
    public string Bearer { get; } = Realm is null ? "Bearer" : $"Bearer realm=\"{Realm}\"";

    /// <summary>The header the token and the client's credentials are read from.</summary>
    public string HeaderName { get; } = AuthHeaderName ?? "authorization";

    /// <summary>Access tokens' lifetime in whole seconds (Kong stores expires_in as an integer).</summary>
    public long TokenSeconds { get; } = (long)TokenExpiration;
}
