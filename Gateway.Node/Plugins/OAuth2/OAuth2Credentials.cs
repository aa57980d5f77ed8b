using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Schema;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>The oauth2_credentials entity (Kong 3.9 kong/plugins/oauth2/daos.lua): an application of a consumer.</summary>
public static partial class OAuth2Credentials
{
    /// <summary>The entity schema, served at /oauth2 and /consumers/{consumer}/oauth2, keyed by client_id.</summary>
    /// <remarks>Kong's field order: tags come before client_type.</remarks>
    public static EntitySchema Schema { get; } = new("oauth2_credentials", [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        CredentialFields.Consumer(),
        new Field("name", FieldType.String) { Required = true, Description = "The application's name." },
        new Field("client_id", FieldType.String) { Unique = true, Auto = true, Description = "The client id; generated when absent." },
        new Field("client_secret", FieldType.String) { Auto = true, Description = "The client secret; generated when absent, stored hashed with hash_secret." },
        Typedefs.Boolean("hash_secret", false) with { Required = true, Description = "Whether client_secret is stored as a PBKDF2 hash." },
        new Field("redirect_uris", FieldType.Array)
        {
            Elements = new Field("redirect_uri", FieldType.String) { Custom = Typedefs.StringCheck(ValidateUri) },
            Description = "The URIs the application may be redirected to.",
        },
        Typedefs.Tags(),
        Typedefs.String("client_type", "confidential", "confidential", "public") with
        {
            Required = true,
            Description = "confidential, or public: a client that keeps no secret and must use PKCE.",
        },
    ])
    {
        EndpointKey = "client_id",
        CacheKey = ["client_id"],
        AdminPath = "oauth2",
        OnWrite = HashSecret,
    };

    /// <summary>Kong's validate_uri: a scheme and a host (LuaSocket's url.parse), and no fragment.</summary>
    private static string? ValidateUri(string uri)
    {
        var match = UriShape().Match(uri);
        if (!match.Success || match.Groups["host"].Value.Length == 0)
        {
            return $"cannot parse '{uri}'";
        }

        return uri.Contains('#', StringComparison.Ordinal) ? $"fragment not allowed in '{uri}'" : null;
    }

    /// <summary>Kong's on_write transformation: with hash_secret, client_secret is stored hashed (once: a stored hash stays as it is).</summary>
    private static void HashSecret(JsonObject credential)
    {
        if (credential["hash_secret"]?.GetValue<bool>() == true && credential["client_secret"]?.GetValue<string>() is { } secret && !OAuth2Secret.IsHash(secret))
        {
            credential["client_secret"] = OAuth2Secret.Hash(secret);
        }
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*://(?:[^@/?#]*@)?(?<host>\[[^\]]*\]|[^:/?#]*)", RegexOptions.CultureInvariant)]
    private static partial Regex UriShape();
}
