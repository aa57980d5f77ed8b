using Gateway.Schema;

namespace Gateway.Node.Plugins.KeyAuth;

/// <summary>The keyauth_credentials entity (Kong 3.9 kong/plugins/key-auth/daos.lua).</summary>
public static class KeyAuthCredentials
{
    /// <summary>The entity schema, served at /key-auths and /consumers/{consumer}/key-auth.</summary>
    /// <remarks>A write may give <c>ttl</c>, seconds until the key expires (Kong's <c>ttl = true</c>, see <see cref="TtlOption"/>).</remarks>
    public static EntitySchema Schema { get; } = new("keyauth_credentials", CredentialFields.With(
        new Field("key", FieldType.String) { Unique = true, Auto = true, Description = "The API key; generated when absent." }))
    {
        Ttl = true,
        EndpointKey = "key",
        CacheKey = ["key"],
        AdminPath = "key-auths",
        NestedPath = "key-auth",
    };
}
