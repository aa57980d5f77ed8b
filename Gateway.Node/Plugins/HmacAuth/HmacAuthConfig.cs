namespace Gateway.Node.Plugins.HmacAuth;

/// <summary>The hmac-auth config (see <see cref="HmacAuthSchema"/>).</summary>
/// <param name="HideCredentials">Whether to strip the signature header before proxying.</param>
/// <param name="ClockSkew">Seconds the Date (or X-Date) header may differ from the gateway's clock.</param>
/// <param name="Anonymous">The consumer (id or username) used when authentication fails.</param>
/// <param name="ValidateRequestBody">Whether the Digest header must match the body's SHA-256.</param>
/// <param name="EnforceHeaders">Headers every signature must cover.</param>
/// <param name="Algorithms">The HMAC algorithms accepted.</param>
/// <param name="Realm">The WWW-Authenticate realm.</param>
public sealed record HmacAuthConfig(
    bool HideCredentials,
    double ClockSkew,
    string? Anonymous,
    bool ValidateRequestBody,
    string[] EnforceHeaders,
    string[] Algorithms,
    string? Realm)
{
    /// <summary>Kong's WWW-Authenticate value: <c>hmac realm="..."</c>, or <c>hmac</c> without a realm.</summary>
    public string WwwAuthenticate { get; } = Realm is null ? "hmac" : $"hmac realm=\"{Realm}\"";
}
