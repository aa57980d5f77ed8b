using System.Text.Json.Nodes;

namespace Gateway.Storage.Declarative;

/// <summary>
/// A validated declarative config: every entity flattened out of its parent, references resolved to
/// ids, defaults filled in, exactly as the Admin API would store it. Immutable once built.
/// </summary>
/// <param name="FormatVersion">The file's <c>_format_version</c>.</param>
/// <param name="Hash">An MD5 of the input (what <c>?check_hash=1</c> compares).</param>
/// <param name="Entities">Every entity type in dependency order (referenced types first), each with its rows in file order.</param>
public sealed record DeclarativeConfig(string FormatVersion, string Hash, IReadOnlyList<KeyValuePair<string, IReadOnlyList<JsonObject>>> Entities)
{
    /// <summary>The rows of one entity type (empty when the file has none).</summary>
    public IReadOnlyList<JsonObject> this[string entity] =>
        Entities.FirstOrDefault(e => e.Key == entity).Value ?? [];

    /// <summary>How many entities the config holds.</summary>
    public int Count => Entities.Sum(e => e.Value.Count);

    /// <summary>Kong's <c>POST /config</c> answer: <c>{"services":{"&lt;id&gt;":{...}}, ...}</c>, non-empty types only.</summary>
    public JsonObject ToEntityMap()
    {
        var map = new JsonObject();
        foreach (var (entity, rows) in Entities.Where(e => e.Value.Count > 0))
        {
            var byId = new JsonObject();
            foreach (var row in rows)
            {
                byId[row["id"]!.GetValue<string>()] = row.DeepClone();
            }

            map[entity] = byId;
        }

        return map;
    }
}
