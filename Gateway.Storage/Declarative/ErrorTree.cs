using System.Text.Json.Nodes;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Builds Kong's code-14 <c>fields</c> tree: errors are placed at the path of the entity they belong to
/// (<c>services[1].routes[2]</c>), arrays keep their positions with nulls in the holes, and objects
/// placed at the same spot are merged.
/// </summary>
internal sealed class ErrorTree
{
    private readonly Dictionary<JsonObject, JsonObject> _byEntity = new(ReferenceEqualityComparer.Instance);

    /// <summary>The tree so far.</summary>
    public JsonObject Root { get; } = [];

    /// <summary>The errors that belong to no entity (the top-level keys, a list that is not a list).</summary>
    public JsonObject General { get; } = [];

    /// <summary>Kong's <c>flattened_errors</c>: one entry per entity in error, with its errors as a list.</summary>
    public JsonArray Flattened { get; } = [];

    /// <summary>Whether anything was reported.</summary>
    public bool IsEmpty => Root.Count == 0;

    /// <summary>
    /// Places <paramref name="error"/> at <paramref name="path"/> (string keys and 0-based indexes), and
    /// files it under <paramref name="entity"/> (the entity type and the entry as the file wrote it) for
    /// the flattened form, or under <see cref="General"/> when no entity is to blame.
    /// </summary>
    public void Add(IReadOnlyList<object> path, JsonNode error, (string Type, JsonObject Source)? entity = null)
    {
        Place(Root, path, error.DeepClone());
        if (entity is not { } blamed)
        {
            Place(General, path, error);
            return;
        }

        if (!_byEntity.TryGetValue(blamed.Source, out var entry))
        {
            entry = NewEntry(blamed.Type, blamed.Source);
            _byEntity[blamed.Source] = entry;
            Flattened.Add(entry);
        }

        var list = entry["errors"]!.AsArray();
        switch (error)
        {
            case JsonObject fields:
                AddFieldErrors(list, fields, "");
                break;
            case JsonArray messages:
                foreach (var message in messages)
                {
                    list.Add(new JsonObject { ["message"] = message?.DeepClone(), ["type"] = "entity" });
                }

                break;
            default:
                list.Add(new JsonObject { ["message"] = error.DeepClone(), ["type"] = "entity" });
                break;
        }
    }

    /// <summary>Kong's entry: the entity without its nested lists, its name, id and tags when it has them, and its singular type.</summary>
    private static JsonObject NewEntry(string type, JsonObject source)
    {
        var entity = new JsonObject();
        foreach (var (key, value) in source)
        {
            if (value is not JsonArray { } list || key == "tags" || list.All(e => e is not JsonObject))
            {
                entity[key] = value?.DeepClone();
            }
        }

        var entry = new JsonObject { ["entity"] = entity };
        if (source["name"] is JsonValue name)
        {
            entry["entity_name"] = name.DeepClone();
        }

        if (source["id"] is JsonValue id)
        {
            entry["entity_id"] = id.DeepClone();
        }

        if (source["tags"] is JsonArray tags && tags.All(t => t is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String))
        {
            entry["entity_tags"] = tags.DeepClone();
        }

        entry["entity_type"] = type.EndsWith('s') ? type[..^1] : type;
        entry["errors"] = new JsonArray();
        return entry;
    }

    private static void AddFieldErrors(JsonArray list, JsonObject fields, string prefix)
    {
        foreach (var (key, value) in fields)
        {
            switch (value)
            {
                case JsonArray messages when key == Schema.ValidationErrors.EntityKey:
                    foreach (var message in messages)
                    {
                        list.Add(new JsonObject { ["message"] = message?.DeepClone(), ["type"] = "entity" });
                    }

                    break;
                case JsonObject nested:
                    AddFieldErrors(list, nested, $"{prefix}{key}.");
                    break;
                case JsonArray elements:
                    for (var i = 0; i < elements.Count; i++)
                    {
                        switch (elements[i])
                        {
                            case JsonObject element:
                                AddFieldErrors(list, element, $"{prefix}{key}.{i + 1}.");
                                break;
                            case { } message:
                                list.Add(new JsonObject { ["field"] = $"{prefix}{key}.{i + 1}", ["message"] = message.DeepClone(), ["type"] = "field" });
                                break;
                        }
                    }

                    break;
                default:
                    list.Add(new JsonObject { ["field"] = prefix + key, ["message"] = value?.DeepClone(), ["type"] = "field" });
                    break;
            }
        }
    }

    private static void Place(JsonObject root, IReadOnlyList<object> path, JsonNode error)
    {
        JsonNode container = root;
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
