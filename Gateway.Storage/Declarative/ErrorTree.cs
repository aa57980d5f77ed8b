using System.Text.Json.Nodes;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Builds Kong's code-14 <c>fields</c> tree: errors are placed at the path of the entity they belong to
/// (<c>services[1].routes[2]</c>), arrays keep their positions with nulls in the holes, and objects
/// placed at the same spot are merged.
/// </summary>
internal sealed class ErrorTree
{
    /// <summary>The tree so far.</summary>
    public JsonObject Root { get; } = [];

    /// <summary>Whether anything was reported.</summary>
    public bool IsEmpty => Root.Count == 0;

    /// <summary>Places <paramref name="error"/> at <paramref name="path"/> (string keys and 0-based indexes).</summary>
    public void Add(IReadOnlyList<object> path, JsonNode error)
    {
        JsonNode container = Root;
        for (var i = 0; i < path.Count; i++)
        {
            var last = i == path.Count - 1;
            var next = last ? null : path[i + 1];
            JsonNode Create() => next is int ? new JsonArray() : new JsonObject();
            switch (path[i], container)
            {
                case (string key, JsonObject obj):
                    if (last)
                    {
                        obj[key] = Merge(obj[key], error);
                        return;
                    }

                    if (obj[key] is not (JsonObject or JsonArray) || (obj[key] is JsonArray) != next is int)
                    {
                        obj[key] = Create();
                    }

                    container = obj[key]!;
                    break;
                case (int index, JsonArray array):
                    while (array.Count <= index)
                    {
                        array.Add(null);
                    }

                    if (last)
                    {
                        array[index] = Merge(array[index], error);
                        return;
                    }

                    if (array[index] is not (JsonObject or JsonArray))
                    {
                        array[index] = Create();
                    }

                    container = array[index]!;
                    break;
                default:
                    throw new InvalidOperationException("error path does not match the tree");
            }
        }
    }

    private static JsonNode Merge(JsonNode? existing, JsonNode error)
    {
        if (existing is JsonObject current && error is JsonObject added)
        {
            foreach (var (key, value) in added.ToList())
            {
                current[key] = value?.DeepClone();
            }

            return current;
        }

        if (existing is JsonArray list && error is JsonArray more)
        {
            foreach (var value in more)
            {
                list.Add(value?.DeepClone());
            }

            return list;
        }

        return error.DeepClone();
    }
}
