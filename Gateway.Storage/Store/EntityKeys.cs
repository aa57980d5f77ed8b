using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Store;

/// <summary>
/// What a stored row contributes to the index tables: its unique keys, its references and its tags.
/// Every store fills the same index tables from these.
/// </summary>
internal static class EntityKeys
{
    /// <summary>
    /// The <c>key</c> under which a schema's cache key is kept in <c>unique_keys</c>. The '@' keeps it
    /// apart from any field name.
    /// </summary>
    public const string CacheKeyName = "@cache_key";

    /// <summary>Stored JSON keeps non-ASCII text readable; it round-trips either way.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The row's primary key.</summary>
    public static string Id(JsonObject row) =>
        row["id"] is JsonValue value && value.TryGetValue<string>(out var id)
            ? id
            : throw new ArgumentException("the row has no string 'id'", nameof(row));

    /// <summary>The row's unique keys: one per non-null unique field, plus the cache key.</summary>
    public static List<UniqueKey> UniqueKeys(EntitySchema schema, JsonObject row)
    {
        var keys = new List<UniqueKey>();
        foreach (var field in schema.UniqueFields)
        {
            if (row[field.Name] is { } value)
            {
                keys.Add(new UniqueKey(field.Name, ValueText(value), new JsonObject { [field.Name] = value.DeepClone() }));
            }
        }

        if (schema.CacheKey is { } names)
        {
            // Kong reports a cache-key collision with every key field, foreign ones as {id=...}.
            var key = new JsonObject();
            foreach (var name in names.Order(StringComparer.Ordinal))
            {
                var value = row[name];
                key[name] = schema[name]?.Type == FieldType.Foreign
                    ? ForeignId(value) is { } id ? new JsonObject { ["id"] = id } : null
                    : value?.DeepClone();
            }

            keys.Add(new UniqueKey(CacheKeyName, Canonical(key), key));
        }

        return keys;
    }

    /// <summary>The row's non-null foreign fields.</summary>
    public static List<ForeignRef> References(EntitySchema schema, JsonObject row)
    {
        var refs = new List<ForeignRef>();
        foreach (var field in schema.ForeignFields)
        {
            if (ForeignId(row[field.Name]) is { } id)
            {
                refs.Add(new ForeignRef(field.Name, field.Reference!, id));
            }
        }

        return refs;
    }

    /// <summary>The row's tags, without duplicates.</summary>
    public static IEnumerable<string> Tags(JsonObject row) =>
        row["tags"] is JsonArray tags
            ? tags.OfType<JsonValue>().Select(t => t.TryGetValue<string>(out var tag) ? tag : null).OfType<string>().Distinct(StringComparer.Ordinal)
            : [];

    /// <summary>How a unique value is stored: strings as they are (so look-ups by text work), anything else as canonical JSON.</summary>
    public static string ValueText(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : Canonical(value);

    /// <summary>JSON with object keys sorted, so equal values give equal text.</summary>
    public static string Canonical(JsonNode? node) => Sorted(node)?.ToJsonString(JsonOptions) ?? "null";

    /// <summary>The id inside a foreign value <c>{"id": ...}</c>, or null.</summary>
    public static string? ForeignId(JsonNode? value) =>
        value is JsonObject foreign && foreign["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : null;

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
