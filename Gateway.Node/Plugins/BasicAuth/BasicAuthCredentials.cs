using Gateway.Schema;

namespace Gateway.Node.Plugins.BasicAuth;

/// <summary>The basicauth_credentials entity (Kong 3.9 kong/plugins/basic-auth/daos.lua).</summary>
public static class BasicAuthCredentials
{
    /// <summary>The entity schema, served at /basic-auths and /consumers/{consumer}/basic-auth.</summary>
    public static EntitySchema Schema { get; } = new("basicauth_credentials", CredentialFields.With(
        new Field("username", FieldType.String) { Required = true, Unique = true, Description = "The username." },
        new Field("password", FieldType.String)
        {
            Required = true,
            // Stored as a BCrypt hash (Kong uses salted SHA-1); the handler verifies with BCrypt.Verify.
            Encode = password => BCrypt.Net.BCrypt.HashPassword(password),
            Description = "The password; stored hashed.",
        }))
    {
        EndpointKey = "username",
        CacheKey = ["username"],
        AdminPath = "basic-auths",
        NestedPath = "basic-auth",
    };
}
