using Gateway.Schema;

namespace Gateway.Node.Plugins.KeyAuth;

/// <summary>The keyauth_credentials entity (Kong 3.9 kong/plugins/key-auth/daos.lua).</summary>
public static class KeyAuthCredentials
{
    /// <summary>The entity schema, served at /key-auths and /consumers/{consumer}/key-auth.</summary>
    public static EntitySchema Schema { get; } = new("keyauth_credentials", CredentialFields.With(
        new Field("key", FieldType.String) { Unique = true, Auto = true, Description = "The API key; generated when absent." },
        new Field("ttl", FieldType.Integer)
        {
            Gt = 0,
            Description = "Seconds until the credential expires; never when unset.",
        }))
    {
        EndpointKey = "key",
        CacheKey = ["key"],
        AdminPath = "key-auths",
        NestedPath = "key-auth",
    };
}
