using System.Text.Json.Nodes;

namespace Gateway.Node.Admin;

/// <summary>
/// Bounds what an error body repeats of the caller's input. Schema messages, unique-key and
/// foreign-key messages quote the values they refuse, and a body may carry a value of megabytes:
/// every string of an error body longer than <see cref="MaxLength"/> keeps its start and its end,
/// where the explanation of a message is, around an ellipsis.
/// </summary>
public static class EchoLimit
{
    /// <summary>The longest string an error body carries, in UTF-16 characters.</summary>
    public const int MaxLength = 2048;

    private const string Ellipsis = "...";

    /// <summary>Cuts every overlong string of <paramref name="body"/>, in place, and returns it.</summary>
    public static JsonObject Bound(JsonObject body)
    {
        BoundChildren(body);
        return body;
    }

    /// <summary><paramref name="text"/>, or its first and last characters around an ellipsis when it is longer than <see cref="MaxLength"/>.</summary>
    public static string Cut(string text)
    {
        if (text.Length <= MaxLength)
        {
            return text;
        }

        var head = (MaxLength - Ellipsis.Length) / 2;
        var tail = MaxLength - Ellipsis.Length - head;

        // Never split a surrogate pair: a lone half would not encode.
        if (char.IsHighSurrogate(text[head - 1]))
        {
            head--;
        }

        if (char.IsLowSurrogate(text[^tail]))
        {
            tail--;
        }

        return string.Concat(text.AsSpan(0, head), Ellipsis, text.AsSpan(text.Length - tail));
    }

    private static void BoundChildren(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                // Field names are the caller's too (an unknown field of a megabyte): the entries are
                // added again under their cut names, in their order.
                var entries = obj.ToList();
                obj.Clear();
                foreach (var (key, value) in entries)
                {
                    // Two long names can cut to the same text; the first keeps it.
                    obj.TryAdd(Cut(key), Bounded(value));
                }

                break;
            case JsonArray array:
                var items = array.ToList();
                array.Clear();
                foreach (var item in items)
                {
                    array.Add(Bounded(item));
                }

                break;
        }
    }

    /// <summary><paramref name="value"/> with its strings cut: a new node for an overlong string, else the same node, its children bounded.</summary>
    private static JsonNode? Bounded(JsonNode? value)
    {
        if (value is JsonValue leaf)
        {
            return leaf.TryGetValue<string>(out var text) && text.Length > MaxLength ? JsonValue.Create(Cut(text)) : leaf;
        }

        if (value is not null)
        {
            BoundChildren(value);
        }

        return value;
    }
}
