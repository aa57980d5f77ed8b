using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// The error tree of one validation, shaped as Kong's <c>fields</c>: a message per field, an array
/// of messages for array elements, a nested tree for records, and entity-wide messages under
/// <c>@entity</c>.
/// </summary>
public sealed class ValidationErrors
{
    /// <summary>The key Kong uses for errors that belong to the whole entity.</summary>
    public const string EntityKey = "@entity";

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SortedDictionary<string, object> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _entity = [];

    /// <summary>True when nothing was reported.</summary>
    public bool IsEmpty => _fields.Count == 0 && _entity.Count == 0;

    /// <summary>Whether a field already has an error.</summary>
    public bool Has(string field) => _fields.ContainsKey(field);

    /// <summary>Reports an error on a field; the first one reported wins, as in Kong.</summary>
    public void Field(string field, string message) => _fields.TryAdd(field, message);

    /// <summary>Reports per-element errors of an array (null where an element is fine).</summary>
    public void Elements(string field, IReadOnlyList<string?> messages) => _fields.TryAdd(field, messages);

    /// <summary>Reports the errors of a nested record.</summary>
    public void Nested(string field, ValidationErrors nested)
    {
        if (!nested.IsEmpty)
        {
            _fields.TryAdd(field, nested);
        }
    }

    /// <summary>Reports an error on the entity as a whole.</summary>
    public void Entity(string message) => _entity.Add(message);

    /// <summary>The tree as Kong's <c>fields</c> object.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (_entity.Count > 0)
        {
            json[EntityKey] = new JsonArray([.. _entity.Select(m => (JsonNode)JsonValue.Create(m))]);
        }

        foreach (var (name, value) in _fields)
        {
            json[name] = value switch
            {
                string message => JsonValue.Create(message),
                ValidationErrors nested => nested.ToJson(),
                IReadOnlyList<string?> list => new JsonArray([.. list.Select(m => m is null ? null : (JsonNode)JsonValue.Create(m))]),
                _ => throw new InvalidOperationException("unexpected error node"),
            };
        }

        return json;
    }

    /// <summary>
    /// Kong's summary line: "schema violation (host: required field missing)" for one error,
    /// "2 schema violations (a: ...; b: ...)" for more (kong/db/errors.lua).
    /// </summary>
    public string ToMessage(string singular = "schema violation", string plural = "schema violations")
    {
        var parts = new List<string>(_entity);
        foreach (var (name, value) in _fields)
        {
            switch (value)
            {
                case string message:
                    parts.Add($"{name}: {message}");
                    break;
                case ValidationErrors nested:
                    foreach (var (sub, subValue) in nested.ToJson())
                    {
                        parts.Add($"{name}.{sub}: {Render(subValue)}");
                    }

                    break;
                case IReadOnlyList<string?> list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is { } element)
                        {
                            parts.Add($"{name}.{i + 1}: {element}");
                        }
                    }

                    break;
            }
        }

        return parts.Count == 1
            ? $"{singular} ({parts[0]})"
            : $"{parts.Count} {plural} ({string.Join("; ", parts)})";
    }

    /// <summary>A nested error as text: Kong pretty-prints the table; quotes and apostrophes stay readable here too.</summary>
    private static string Render(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString(Readable) ?? "null";
}
