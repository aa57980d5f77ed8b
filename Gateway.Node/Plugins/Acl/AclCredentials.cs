using Gateway.Schema;

namespace Gateway.Node.Plugins.Acl;

/// <summary>The acls entity: a consumer's membership of a group (Kong 3.9 kong/plugins/acl/daos.lua).</summary>
public static class AclCredentials
{
    /// <summary>The entity schema, served at /acls and /consumers/{consumer}/acls.</summary>
    public static EntitySchema Schema { get; } = new("acls", CredentialFields.With(
        new Field("group", FieldType.String) { Required = true, Description = "The group the consumer belongs to." }))
    {
        CacheKey = ["consumer", "group"],
        AdminPath = "acls",
        NestedPath = "acls",
    };
}
