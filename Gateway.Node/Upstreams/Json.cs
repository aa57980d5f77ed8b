using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Upstreams;

/// <summary>Tolerant readers for snapshot rows: a missing or null field takes the caller's default (Kong's).</summary>
internal static class Json
{
    public static string? String(JsonObject? row, string name) =>
        row?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static int Int(JsonObject? row, string name, int @default) =>
        row?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (int)ToDouble(v) : @default;

    public static double Number(JsonObject? row, string name, double @default) =>
        row?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? ToDouble(v) : @default;

    /// <summary>A number whatever CLR type holds it (rows read from the store hold JsonElement, rows built in code hold int or long).</summary>
    public static double ToDouble(JsonValue value) =>
        value.TryGetValue<double>(out var d) ? d
        : value.TryGetValue<long>(out var l) ? l
        : value.TryGetValue<int>(out var i) ? i
        : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    public static bool Bool(JsonObject? row, string name, bool @default) =>
        row?[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : @default;

    /// <summary>The id inside a foreign reference (<c>{"upstream":{"id":"..."}}</c>).</summary>
    public static string? ForeignId(JsonObject? row, string name) => String(row?[name] as JsonObject, "id");

    public static FrozenSet<int> Statuses(JsonObject? row, int[] @default) =>
        row?["http_statuses"] is JsonArray array
            ? array.OfType<JsonValue>().Select(v => (int)ToDouble(v)).ToFrozenSet()
            : @default.ToFrozenSet();

    /// <summary>A header map (<c>{"name":["v1","v2"]}</c>) as name/value pairs.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(JsonObject? row, string name)
    {
        if (row?[name] is not JsonObject map)
        {
            return [];
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (header, values) in map)
        {
            if (values is JsonArray array)
            {
                headers.AddRange(array.OfType<JsonValue>().Select(v => new KeyValuePair<string, string>(header, Text(v))));
            }
            else if (values is JsonValue value)
            {
                headers.Add(new(header, Text(value)));
            }
        }

        return headers;
    }

    private static string Text(JsonValue value) =>
        value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();

    public static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
