using System.Text.Json.Nodes;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>
/// What of a backend's answer is merged, in KrakenD's order: an array wrapped as <c>{"collection": [...]}</c>
/// (is_collection), then the target field taken, then the allow list (or the deny list), then the mapping's renames.
/// </summary>
public static class AnswerShape
{
    /// <summary>The part to merge; null when the answer cannot be merged (a non-object merged at the top level).</summary>
    public static JsonNode? Of(AggregateBackend backend, JsonNode? answer)
    {
        var part = answer?.DeepClone();
        if (backend.IsCollection && part is JsonArray)
        {
            part = new JsonObject { ["collection"] = part };
        }

        if (backend.Target is { } target)
        {
            part = JsonPaths.Find(part, target)?.DeepClone() ?? new JsonObject();
        }

        if (part is JsonObject record)
        {
            if (backend.Allow.Length > 0)
            {
                record = JsonPaths.Allow(record, backend.Allow);
            }

            JsonPaths.Deny(record, backend.Deny);
            part = Rename(record, backend.Mapping);
        }

        return part is JsonObject || backend.Group is not null ? part : null;
    }

    /// <summary>Top-level fields renamed, keeping their order.</summary>
    private static JsonObject Rename(JsonObject record, Dictionary<string, string>? mapping)
    {
        if (mapping is not { Count: > 0 })
        {
            return record;
        }

        var renamed = new JsonObject();
        foreach (var (name, value) in record.ToList())
        {
            record.Remove(name);
            renamed[mapping.GetValueOrDefault(name, name)] = value;
        }

        return renamed;
    }
}
