using Gateway.Schema;

namespace Gateway.Storage.Entities.Rbac;

/// <summary>
/// The <c>rbac_users</c> entity: one Admin API user (Kong Enterprise's name and fields). <c>user_token</c> is
/// stored only as its bcrypt hash; <c>user_token_ident</c> (the first 5 hex of its SHA-1) finds the candidates.
/// </summary>
public static class RbacUsers
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("rbac_users",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        new Field("name", FieldType.String) { Required = true, Unique = true, Description = "The RBAC user's name." },
        new Field("user_token", FieldType.String) { Required = true, Description = "The token the user sends in rbac_auth_header, stored as its bcrypt hash." },
        new Field("user_token_ident", FieldType.String) { Description = "The first 5 hex characters of the token's SHA-1: the look-up index." },
        new Field("comment", FieldType.String),
        Typedefs.Boolean("enabled", true),
    ])
    {
        EndpointKey = "name",
        AdminPath = "rbac/users",
        TopLevel = false,
        DbExport = false,
    };
}
