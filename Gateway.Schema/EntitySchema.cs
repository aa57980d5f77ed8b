using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// The schema of one entity type, as a file in Kong's kong/db/schema/entities/: its fields, its
/// endpoint key, its cross-field checks and how the Admin API exposes it.
/// </summary>
public sealed record EntitySchema(string Name, IReadOnlyList<Field> Fields)
{
    /// <summary>The unique field the Admin API also accepts in place of the id ("name", "username").</summary>
    public string? EndpointKey { get; init; }

    /// <summary>Fields that together are unique (a plugin's name and scope).</summary>
    public IReadOnlyList<string>? CacheKey { get; init; }

    /// <summary>Cross-field checks, run once every field is valid.</summary>
    public IReadOnlyList<EntityCheck> Checks { get; init; } = [];

    /// <summary>Input-only fields expanded into real fields before validation (a service's <c>url</c>).</summary>
    public IReadOnlyDictionary<string, Func<JsonNode, JsonObject>> Shorthands { get; init; } =
        new Dictionary<string, Func<JsonNode, JsonObject>>();

    /// <summary>The collection path of the Admin API ("key-auths" for keyauth_credentials).</summary>
    public string AdminPath { get => field ?? Name; init; }

    /// <summary>The path under the entity's parent ("key-auth" under /consumers/{c}/), when it differs.</summary>
    public string? NestedPath { get; init; }

    /// <summary>Whether the collection is served at the top level (Kong disables /targets).</summary>
    public bool TopLevel { get; init; } = true;

    /// <summary>
    /// Kong's <c>generate_admin_api</c>: false for an entity the Admin API never serves, at the top level or nested
    /// (oauth2's authorization codes).
    /// </summary>
    public bool AdminApi { get; init; } = true;

    /// <summary>
    /// Kong's <c>transformations</c> with <c>on_write</c>: changes the validated row before it is stored (oauth2's
    /// <c>hash_secret</c> hashes <c>client_secret</c>). Runs once the checks passed; it must be idempotent, since an
    /// update validates the stored row again.
    /// </summary>
    public Action<JsonObject>? OnWrite { get; init; }

    /// <summary>
    /// Whether declarative config holds the entity (Kong's <c>db_export</c>): false for the RBAC entities, which
    /// have their own endpoints and are never exported, imported or synced.
    /// </summary>
    public bool DbExport { get; init; } = true;

    /// <summary>
    /// Kong's <c>ttl = true</c>: a write may give <c>ttl</c>, seconds until the row expires (0 or null: never). It is an
    /// option of the write, not a field (<c>/schemas</c> shows <c>"ttl": true</c>); the stored row keeps it as
    /// seconds after its <c>created_at</c> (<see cref="SchemaValidator"/>).
    /// </summary>
    public bool Ttl { get; init; }

    /// <summary>For plugins: the field whose value selects the subschema of <see cref="SubschemaField"/>.</summary>
    public string? SubschemaKey { get; init; }

    /// <summary>For plugins: the record field whose schema the subschema supplies ("config").</summary>
    public string? SubschemaField { get; init; }

    /// <summary>Finds a field by name.</summary>
    public Field? this[string name] => Fields.FirstOrDefault(f => f.Name == name);

    /// <summary>The foreign fields, in declaration order.</summary>
    public IEnumerable<Field> ForeignFields => Fields.Where(f => f.Type == FieldType.Foreign);

    /// <summary>The unique fields other than the primary key.</summary>
    public IEnumerable<Field> UniqueFields => Fields.Where(f => f.Unique && f.Name != "id");
}
