using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.KeyAuth;

/// <summary>The key-auth config (see <see cref="KeyAuthSchema"/>).</summary>
/// <param name="KeyNames">Where a key may be: header, query argument or body field names.</param>
/// <param name="HideCredentials">Whether to strip the key before proxying.</param>
/// <param name="Anonymous">The consumer (id or username) used when authentication fails.</param>
/// <param name="KeyInHeader">Whether to look in headers.</param>
/// <param name="KeyInQuery">Whether to look in the query string.</param>
/// <param name="KeyInBody">Whether to look in the body.</param>
/// <param name="RunOnPreflight">Whether OPTIONS requests are authenticated too.</param>
/// <param name="Realm">The WWW-Authenticate realm.</param>
public sealed record KeyAuthConfig(
    string[] KeyNames,
    bool HideCredentials,
    string? Anonymous,
    bool KeyInHeader,
    bool KeyInQuery,
    bool KeyInBody,
    bool RunOnPreflight,
    string? Realm)
{
    /// <summary>Kong's WWW-Authenticate value: <c>Key realm="..."</c>, or <c>Key</c> without a realm.</summary>
    public string WwwAuthenticate { get; } = Realm is null ? "Key" : $"Key realm=\"{Realm}\"";

    /// <summary>Per key name, the hyphenated header name Kong also reads it from (see <see cref="HeaderAliases"/>); computed once.</summary>
    public string?[] KeyNameAliases { get; } = HeaderAliases.For(KeyNames ?? []);
}
