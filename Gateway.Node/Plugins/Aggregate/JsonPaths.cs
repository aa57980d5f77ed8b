using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>Dot paths into JSON answers (<c>a.b</c>, <c>items.0.id</c>): KrakenD's target, allow and deny, and the templates' values.</summary>
public static class JsonPaths
{
    /// <summary>The value at <paramref name="path"/>, or null when any step is missing (a number steps into an array).</summary>
    public static JsonNode? Find(JsonNode? node, string path)
    {
        foreach (var step in path.Split('.'))
        {
            node = node switch
            {
                JsonObject record => record[step],
                JsonArray array when int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count => array[index],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Only the given paths of an object, each with the objects on its way (KrakenD's allow list).</summary>
    public static JsonObject Allow(JsonObject source, IReadOnlyList<string> paths)
    {
        var kept = new JsonObject();
        foreach (var path in paths)
        {
            var steps = path.Split('.');
            JsonNode? from = source;
            var into = kept;
            for (var i = 0; i < steps.Length && from is JsonObject record && record.TryGetPropertyValue(steps[i], out var next); i++)
            {
                if (i == steps.Length - 1)
                {
                    into[steps[i]] = next?.DeepClone();
                }
                else if (next is JsonObject)
                {
                    into = into[steps[i]] as JsonObject ?? (JsonObject)(into[steps[i]] = new JsonObject());
                }

                from = next;
            }
        }

        return kept;
    }

    /// <summary>Removes the given paths from an object (KrakenD's deny list); a path that is not there is no error.</summary>
    public static void Deny(JsonObject target, IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
        {
            var cut = path.LastIndexOf('.');
            if ((cut < 0 ? target : Find(target, path[..cut])) is JsonObject parent)
            {
                parent.Remove(path[(cut + 1)..]);
            }
        }
    }
}
