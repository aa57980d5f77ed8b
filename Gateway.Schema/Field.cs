using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// One field of an entity or record schema, with Kong's attributes. Immutable: shared field types
/// (see <see cref="Typedefs"/>) are adjusted with <c>with</c> expressions.
/// </summary>
public sealed record Field(string Name, FieldType Type)
{
    /// <summary>A missing or null value is an error ("required field missing").</summary>
    public bool Required { get; init; }

    /// <summary>The value filled in on insert when the field is absent; copied, never shared.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>No two entities of the schema may hold the same value.</summary>
    public bool Unique { get; init; }

    /// <summary>Generated on insert when absent: a UUID for strings, the time for timestamps.</summary>
    public bool Auto { get; init; }

    /// <summary>
    /// For timestamps, Kong's <c>auto_timestamp_ms</c> (targets): seconds with a millisecond fraction
    /// (<c>ngx.now()</c>, 1700000000.123) rather than whole seconds.
    /// </summary>
    public bool Milliseconds { get; init; }

    /// <summary>Allowed values; the error lists them.</summary>
    public IReadOnlyList<string>? OneOf { get; init; }

    /// <summary>Inclusive numeric bounds.</summary>
    public (double Min, double Max)? Between { get; init; }

    /// <summary>Numbers must be strictly greater.</summary>
    public double? Gt { get; init; }

    /// <summary>Minimum length of a string, array, set or map. Strings default to 1, as in Kong.</summary>
    public int? LenMin { get; init; }

    /// <summary>Maximum length of a string, array, set or map.</summary>
    public int? LenMax { get; init; }

    /// <summary>Strings must start with this.</summary>
    public string? StartsWith { get; init; }

    /// <summary>A last check that returns an error message, or null when the value is fine.</summary>
    public Func<JsonNode, string?>? Custom { get; init; }

    /// <summary>
    /// A check, after <see cref="Custom"/>, that only new input must pass (an Admin API write, <c>POST /config</c>, an
    /// import). Config the node held before (a declarative file read at start-up) skips it
    /// (<see cref="SchemaValidator.SkipWriteChecks"/>), so a rule a newer version adds refuses new writes without
    /// stopping a node from starting on config an older version accepted.
    /// </summary>
    public Func<JsonNode, string?>? WriteCheck { get; init; }

    /// <summary>Element type of an array or set.</summary>
    public Field? Elements { get; init; }

    /// <summary>Key type of a map (always strings in JSON).</summary>
    public Field? Keys { get; init; }

    /// <summary>Value type of a map.</summary>
    public Field? Values { get; init; }

    /// <summary>Fields of a record.</summary>
    public IReadOnlyList<Field>? Fields { get; init; }

    /// <summary>Cross-field checks of a record.</summary>
    public IReadOnlyList<EntityCheck>? Checks { get; init; }

    /// <summary>
    /// A record's deprecated field names and where their values now live, as a path of nested field names
    /// (Kong's shorthand_fields: rate-limiting's <c>redis_host</c> is <c>redis.host</c>). A value given both ways
    /// keeps the nested one.
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? Moved { get; init; }

    /// <summary>The entity a foreign field points at ("services").</summary>
    public string? Reference { get; init; }

    /// <summary>
    /// For a string in a plugin's config: the entity whose row it names by id or endpoint key ("services"). Writes
    /// check that the row exists (<see cref="ConfigReferences"/>); deleting the row later does not touch the config.
    /// </summary>
    public string? RefersTo { get; init; }

    /// <summary>What deleting the referenced entity does.</summary>
    public OnDelete OnDelete { get; init; }

    /// <summary>What the field means; served by <c>/schemas</c>.</summary>
    public string? Description { get; init; }

    /// <summary>Applied to a string given on input before it is stored (hashing a password).</summary>
    public Func<string, string>? Encode { get; init; }

    /// <summary>Whether the field holds a timestamp (created_at, updated_at).</summary>
    public bool Timestamp { get; init; }

    /// <summary>A value must be null ("value must be null"): Kong's <c>eq = null</c>, as in <c>typedefs.no_consumer</c>.</summary>
    public bool MustBeNull { get; init; }

    /// <summary>Whether a string must be a UUID ("expected a valid UUID").</summary>
    public bool Uuid { get; init; }

    /// <summary>
    /// Kong's <c>referenceable</c>: a string that may be a vault reference (<c>{vault://env/NAME}</c>,
    /// <see cref="VaultReference"/>), stored as given, skipping the field's other checks, and resolved only
    /// where the node uses the value.
    /// </summary>
    public bool Referenceable { get; init; }
}
