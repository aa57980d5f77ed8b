using System.Text.Json.Nodes;

namespace Gateway.Storage.Schema;

/// <summary>
/// Shared field types, as Kong's kong/db/schema/typedefs.lua. Each returns a field ready to use;
/// adjust it with a <c>with</c> expression.
/// </summary>
public static class Typedefs
{
    /// <summary>The protocols an HTTP plugin accepts by default, in Kong's order.</summary>
    public static readonly IReadOnlyList<string> HttpProtocols = ["grpc", "grpcs", "http", "https"];

    /// <summary>Every protocol a service or route may name.</summary>
    public static readonly IReadOnlyList<string> AllProtocols =
        ["grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss"];

    /// <summary>Whether the text is a canonical UUID (8-4-4-4-12 hex).</summary>
    public static bool IsUuid(string text) =>
        text.Length == 36 && Guid.TryParseExact(text, "D", out _);

    /// <summary>The primary key: a UUID generated on insert.</summary>
    public static Field Id() => new("id", FieldType.String) { Auto = true, Uuid = true };

    /// <summary>Creation time in seconds, set on insert.</summary>
    public static Field CreatedAt() => new("created_at", FieldType.Integer) { Auto = true, Timestamp = true };

    /// <summary>Update time in seconds, set on every write.</summary>
    public static Field UpdatedAt() => new("updated_at", FieldType.Integer) { Auto = true, Timestamp = true };

    /// <summary>A set of tags.</summary>
    public static Field Tags() => new("tags", FieldType.Set) { Elements = new Field("tag", FieldType.String) { Custom = ValidateTag } };

    /// <summary>A foreign key to another entity.</summary>
    public static Field Foreign(string name, string reference, OnDelete onDelete = OnDelete.Restrict, bool required = false) =>
        new(name, FieldType.Foreign) { Reference = reference, OnDelete = onDelete, Required = required };

    /// <summary>A boolean with a default.</summary>
    public static Field Boolean(string name, bool @default) => new(name, FieldType.Boolean) { Default = JsonValue.Create(@default) };

    /// <summary>An integer with a default and bounds.</summary>
    public static Field Integer(string name, long? @default = null, double? min = null, double? max = null) =>
        new(name, FieldType.Integer)
        {
            Default = @default is { } d ? JsonValue.Create(d) : null,
            Between = min is { } lo && max is { } hi ? (lo, hi) : null,
        };

    /// <summary>A string, optionally with a default and a list of allowed values.</summary>
    public static Field String(string name, string? @default = null, params string[] oneOf) =>
        new(name, FieldType.String)
        {
            Default = @default is null ? null : JsonValue.Create(@default),
            OneOf = oneOf.Length > 0 ? oneOf : null,
        };

    /// <summary>An array of strings, optionally with a default.</summary>
    public static Field StringArray(string name, params string[] @default) =>
        new(name, FieldType.Array)
        {
            Elements = new Field(name, FieldType.String),
            Default = @default.Length > 0 ? new JsonArray([.. @default.Select(s => (JsonNode)JsonValue.Create(s))]) : null,
        };

    /// <summary>A record of fields.</summary>
    public static Field Record(string name, params Field[] fields) => new(name, FieldType.Record) { Fields = fields };

    /// <summary>A JSON array of strings as a default value.</summary>
    public static JsonArray Strings(params string[] values) => new([.. values.Select(s => (JsonNode)JsonValue.Create(s))]);

    /// <summary>A JSON array of integers as a default value.</summary>
    public static JsonArray Integers(params long[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static string? ValidateTag(JsonNode value)
    {
        var tag = value.GetValue<string>();
        foreach (var c in tag)
        {
            if (c is ',' or '/' || char.IsControl(c) || (c < 128 && !char.IsAsciiLetterOrDigit(c) && c != ' ' && !"-._~:+=@!*'()&$#%?[]\"".Contains(c)))
            {
                return $"invalid tag '{tag}': expected printable ascii (except `,` and `/`) or valid utf-8 sequences";
            }
        }

        return null;
    }
}
