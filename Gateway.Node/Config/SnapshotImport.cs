using System.Text.Json.Nodes;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// A node's config snapshot (prefix/config-snapshot.json) read as the declarative config <c>config db_import</c> loads,
/// which is how a lost SQLite database is restored from it. The rows are the stored ones, so the config says
/// <c>_transform: false</c> (values such as password hashes are kept as they are; the rows keep their ids and
/// timestamps). A snapshot holds no consumers: the plugins scoped to one are left out, and counted.
/// </summary>
/// <param name="Config">The declarative config (<c>_format_version</c> 3.0).</param>
/// <param name="ConsumerPluginsLeftOut">How many plugins were left out because they are scoped to a consumer.</param>
public sealed record SnapshotImport(JsonObject Config, int ConsumerPluginsLeftOut)
{
    /// <summary>The snapshot in <paramref name="document"/> as a declarative config; null when it is not a snapshot's shape.</summary>
    public static SnapshotImport? TryFrom(JsonNode? document)
    {
        if (document is not JsonObject { } snapshot || snapshot.ContainsKey("_format_version")
            || snapshot["version"] is not JsonValue || snapshot["rows"] is not JsonObject rows)
        {
            return null;
        }

        var config = new JsonObject { ["_format_version"] = "3.0", ["_transform"] = false };
        var leftOut = 0;
        foreach (var entity in ConfigData.SnapshotEntities)
        {
            if (rows[entity] is not JsonArray list)
            {
                continue;
            }

            var kept = new JsonArray();
            foreach (var row in list)
            {
                if (entity == "plugins" && row is JsonObject plugin && plugin["consumer"] is not null)
                {
                    leftOut++;
                }
                else
                {
                    kept.Add(row?.DeepClone());
                }
            }

            config[entity] = kept;
        }

        return new SnapshotImport(config, leftOut);
    }
}
