using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// The node's last config on disk (prefix/config-snapshot.json), so a node restarted while the
/// database is down still serves. Written to a temporary file and renamed over the old one, so a
/// reader (or a crash) sees the old file or the new one, never half of one. Owner-only (0600): it
/// holds the certificates' private keys. An empty config never replaces one with rows unless it is
/// newer (see <see cref="WriteAsync"/>).
/// </summary>
public static class SnapshotFile
{
    /// <summary>The file name inside prefix/.</summary>
    public const string FileName = "config-snapshot.json";

    /// <summary>The snapshot's path under <paramref name="prefix"/>.</summary>
    public static string PathIn(string prefix) => Path.Combine(prefix, FileName);

    /// <summary>
    /// Writes <paramref name="data"/> atomically, unless it holds no rows while the file holds rows of the same or a newer
    /// version (or cannot be read, counted as version 0): that is what a lost or replaced database looks like (an empty
    /// SQLite file is at version 0), and the file is then the only copy of the config. Deleting everything through the
    /// Admin API moves the version past the file's, so that empty config is saved.
    /// </summary>
    /// <returns>False when the file was kept instead.</returns>
    public static async Task<bool> WriteAsync(string prefix, ConfigData data, CancellationToken cancellationToken = default)
    {
        if (IsEmpty(data) && KeepsRowsAgainst(prefix, data.Version))
        {
            return false;
        }

        var rows = new JsonObject();
        foreach (var entity in ConfigData.SnapshotEntities)
        {
            rows[entity] = new JsonArray([.. data[entity].Select(r => (JsonNode)r.DeepClone())]);
        }

        var document = new JsonObject { ["version"] = data.Version, ["rows"] = rows };
        await PrivateFile.WriteJsonAsync(PathIn(prefix), writer => document.WriteTo(writer), cancellationToken);
        return true;
    }

    /// <summary>The saved snapshot, or null when there is none or it cannot be read.</summary>
    public static ConfigData? TryRead(string prefix) => TryRead(prefix, out _);

    /// <summary>The saved snapshot; null when there is none, or, with the reason in <paramref name="unreadable"/>, when it cannot be read.</summary>
    public static ConfigData? TryRead(string prefix, out string? unreadable)
    {
        unreadable = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathIn(prefix));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            unreadable = e.Message;
            return null;
        }

        try
        {
            if (JsonNode.Parse(bytes) is JsonObject document
                && document["version"] is JsonValue versionValue && versionValue.TryGetValue<long>(out var version)
                && document["rows"] is JsonObject saved)
            {
                var rows = new Dictionary<string, IReadOnlyList<JsonObject>>();
                foreach (var (entity, list) in saved)
                {
                    if (!ConfigData.SnapshotEntities.Contains(entity))
                    {
                        continue;
                    }

                    if (list is not JsonArray array || array.Any(r => r is not JsonObject))
                    {
                        unreadable = $"'{entity}' is not a list of rows";
                        return null;
                    }

                    rows[entity] = [.. array.Select(r => r!.AsObject())];
                }

                return new ConfigData(version, rows);
            }

            unreadable = "not a config snapshot (expected {\"version\": N, \"rows\": {...}})";
        }
        catch (JsonException e)
        {
            unreadable = e.Message;
        }

        return null;
    }

    /// <summary>Whether <paramref name="data"/> holds no row at all.</summary>
    public static bool IsEmpty(ConfigData data) => ConfigData.SnapshotEntities.All(e => data[e].Count == 0);

    /// <summary>"config version 12 (services: 2, routes: 5)", for messages: the entities with rows and their counts.</summary>
    public static string Describe(ConfigData data)
    {
        var counts = ConfigData.SnapshotEntities.Where(e => data[e].Count > 0).Select(e => $"{e}: {data[e].Count}");
        return $"config version {data.Version} ({string.Join(", ", counts)})";
    }

    /// <summary>
    /// Renames the snapshot to <c>config-snapshot.json.TIMESTAMP.discarded</c>, so the node no longer has one (nothing
    /// is deleted); returns the new path.
    /// </summary>
    public static string SetAside(string prefix)
    {
        var path = PathIn(prefix);
        var aside = $"{path}.{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.discarded";
        File.Move(path, aside);
        return aside;
    }

    /// <summary>Whether the file holds rows (or cannot be read) at <paramref name="version"/> or a newer version.</summary>
    private static bool KeepsRowsAgainst(string prefix, long version)
    {
        var saved = TryRead(prefix, out var unreadable);
        return saved is null ? unreadable is not null && version == 0 : !IsEmpty(saved) && version <= saved.Version;
    }
}
