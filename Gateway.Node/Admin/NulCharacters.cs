using System.Text.Json.Nodes;

namespace Gateway.Node.Admin;

/// <summary>
/// Refuses U+0000 in the strings and names of a body to be written. PostgreSQL's text cannot hold it
/// (a database error, as Kong's on PostgreSQL), so it is refused the same on every database, as the
/// schema violation of the field that holds it, before anything is written.
/// </summary>
public static class NulCharacters
{
    /// <summary>The message for the field.</summary>
    public const string Message = "invalid value: the NUL character (\\u0000) cannot be stored";

    /// <summary>Throws when <paramref name="body"/> holds a NUL anywhere.</summary>
    /// <exception cref="AdminException">400, code 2, naming the first field that holds one.</exception>
    public static void Refuse(JsonObject body)
    {
        if (Find(body) is not { } path)
        {
            return;
        }

        // Kong's names: "config.body" and, for an array's element, its 1-based position ("tags.2").
        var name = string.Join('.', path.Select(p => p is int index ? (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : (string)p));
        JsonNode fields = Message;
        for (var i = path.Count - 1; i >= 0; i--)
        {
            fields = path[i] is int index ? new JsonArray([.. Enumerable.Repeat<JsonNode?>(null, index), fields]) : new JsonObject { [(string)path[i]] = fields };
        }

        throw AdminException.Kong(KongError.SchemaViolation, $"schema violation ({name}: {Message})", (JsonObject)fields);
    }

    /// <summary>The path (names and array indexes) to the first string or name holding a NUL, or null.</summary>
    private static List<object>? Find(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key.Contains('\0', StringComparison.Ordinal))
                    {
                        return [key];
                    }

                    if (Find(value) is { } inner)
                    {
                        inner.Insert(0, key);
                        return inner;
                    }
                }

                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Find(array[i]) is { } inner)
                    {
                        inner.Insert(0, i);
                        return inner;
                    }
                }

                return null;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.Contains('\0', StringComparison.Ordinal):
                return [];
            default:
                return null;
        }
    }
}
