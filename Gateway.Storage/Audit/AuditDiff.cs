using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Storage.Audit;

/// <summary>
/// The <c>diff</c> of an update's object record: every changed leaf as <c>{"path", "old", "new"}</c>, paths dotted from
/// the entity's top, objects compared field by field, arrays and scalars as whole values. Both sides come filtered, so
/// an excluded secret never shows in a diff.
/// </summary>
public static class AuditDiff
{
    /// <summary>The changes as JSON text (<c>[]</c> when nothing changed); null for a create or a delete.</summary>
    public static string? Between(JsonNode? before, JsonNode? after)
    {
        if (before is null || after is null)
        {
            return null;
        }

        var changes = new JsonArray();
        Compare("", before, after, changes);
        return changes.ToJsonString(EntityKeys.JsonOptions);
    }

    private static void Compare(string path, JsonNode? before, JsonNode? after, JsonArray changes)
    {
        if (before is JsonObject old && after is JsonObject @new)
        {
            foreach (var name in old.Select(p => p.Key).Union(@new.Select(p => p.Key)).Order(StringComparer.Ordinal))
            {
                Compare(path.Length == 0 ? name : path + "." + name, old[name], @new[name], changes);
            }
        }
        else if (!JsonNode.DeepEquals(before, after))
        {
            changes.Add(new JsonObject { ["path"] = path, ["old"] = before?.DeepClone(), ["new"] = after?.DeepClone() });
        }
    }
}
