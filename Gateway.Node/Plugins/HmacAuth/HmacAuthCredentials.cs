using Gateway.Schema;

namespace Gateway.Node.Plugins.HmacAuth;

/// <summary>The hmacauth_credentials entity (Kong 3.9 kong/plugins/hmac-auth/daos.lua).</summary>
public static class HmacAuthCredentials
{
    /// <summary>The entity schema, served at /hmac-auths and /consumers/{consumer}/hmac-auth.</summary>
    public static EntitySchema Schema { get; } = new("hmacauth_credentials", CredentialFields.With(
        new Field("username", FieldType.String) { Required = true, Unique = true, Description = "The username the client signs with." },
        new Field("secret", FieldType.String) { Auto = true, Description = "The shared HMAC secret; generated when absent." }))
    {
        EndpointKey = "username",
        CacheKey = ["username"],
        AdminPath = "hmac-auths",
        NestedPath = "hmac-auth",
    };
}
