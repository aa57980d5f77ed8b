using Gateway.Schema;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>
/// The run-time entities of oauth2 (Kong 3.9 kong/plugins/oauth2/daos.lua): authorization codes and tokens. The proxy
/// writes them through <see cref="Plugins.Sdk.IRuntimeRowStore"/>: no config version, valid on every node.
/// </summary>
public static class OAuth2Tokens
{
    /// <summary>Seconds an authorization code lives (Kong's insert ttl).</summary>
    public const int CodeTtl = 300;

    /// <summary>oauth2_authorization_codes: no Admin API, not exported.</summary>
    public static EntitySchema Codes { get; } = new("oauth2_authorization_codes", [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.Foreign("service", "services", OnDelete.Cascade) with { Description = "The service the code was issued on; null with global_credentials." },
        Typedefs.Foreign("credential", "oauth2_credentials", OnDelete.Cascade, required: true) with { Description = "The application." },
        new Field("code", FieldType.String) { Unique = true, Auto = true, Description = "The code." },
        new Field("authenticated_userid", FieldType.String) { Description = "The end user." },
        new Field("scope", FieldType.String) { Description = "The scopes granted, space separated." },
        new Field("challenge", FieldType.String) { Description = "The PKCE code_challenge." },
        Typedefs.String("challenge_method", null, "S256") with { Description = "The PKCE method." },
    ])
    {
        Ttl = true,
        AdminApi = false,
        TopLevel = false,
        DbExport = false,
    };

    /// <summary>oauth2_tokens: served at /oauth2_tokens, keyed by access_token.</summary>
    public static EntitySchema Tokens { get; } = new("oauth2_tokens", [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.Foreign("service", "services", OnDelete.Cascade) with { Description = "The service the token is valid on; null with global_credentials." },
        Typedefs.Foreign("credential", "oauth2_credentials", OnDelete.Cascade, required: true) with { Description = "The application." },
        Typedefs.String("token_type", "bearer", "bearer") with { Required = true, Description = "Always bearer." },
        new Field("expires_in", FieldType.Integer) { Required = true, Description = "Seconds the access token lives from created_at; 0: forever." },
        new Field("access_token", FieldType.String) { Unique = true, Auto = true, Description = "The access token; generated when absent." },
        new Field("refresh_token", FieldType.String) { Unique = true, Description = "The refresh token, if one was issued." },
        new Field("authenticated_userid", FieldType.String) { Description = "The end user." },
        new Field("scope", FieldType.String) { Description = "The scopes granted, space separated." },
    ])
    {
        Ttl = true,
        EndpointKey = "access_token",
        CacheKey = ["access_token"],
    };
}
