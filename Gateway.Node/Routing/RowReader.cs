using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Routing;

/// <summary>Reads typed values from store rows (JSON objects in Kong's shape) while a snapshot compiles.</summary>
internal static class RowReader
{
    /// <summary>A string field, or null when absent or JSON null.</summary>
    public static string? String(JsonObject row, string field) =>
        row[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>An integer field, or null.</summary>
    public static long? Long(JsonObject row, string field)
    {
        if (row[field] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        // Rows built in code hold CLR numbers of any width; parsed rows hold JsonElements.
        return value.TryGetValue<long>(out var l) ? l
            : value.TryGetValue<int>(out var i) ? i
            : value.TryGetValue<double>(out var d) ? (long)d
            : (long)value.GetValue<decimal>();
    }

    /// <summary>A boolean field, or null.</summary>
    public static bool? Bool(JsonObject row, string field) =>
        row[field] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? value.GetValue<bool>() : null;

    /// <summary>The strings of an array field; empty when absent or null.</summary>
    public static string[] Strings(JsonObject row, string field)
    {
        if (row[field] is not JsonArray array)
        {
            return [];
        }

        var result = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                result.Add(v.GetValue<string>());
            }
        }

        return [.. result];
    }

    /// <summary>The id inside a foreign key object (<c>{"id": "..."}</c>), or null.</summary>
    public static string? ForeignId(JsonObject row, string field) =>
        row[field] is JsonObject foreign ? String(foreign, "id") : null;
}
