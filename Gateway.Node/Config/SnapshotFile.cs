using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// The node's last config on disk (prefix/config-snapshot.json), so a node restarted while the
/// database is down still serves. Written to a temporary file and renamed over the old one, so a
/// reader (or a crash) sees the old file or the new one, never half of one.
/// </summary>
public static class SnapshotFile
{
    /// <summary>The file name inside prefix/.</summary>
    public const string FileName = "config-snapshot.json";

    /// <summary>The snapshot's path under <paramref name="prefix"/>.</summary>
    public static string PathIn(string prefix) => Path.Combine(prefix, FileName);

    /// <summary>Writes <paramref name="data"/> atomically.</summary>
    public static async Task WriteAsync(string prefix, ConfigData data, CancellationToken cancellationToken = default)
    {
        var rows = new JsonObject();
        foreach (var entity in ConfigData.SnapshotEntities)
        {
            rows[entity] = new JsonArray([.. data[entity].Select(r => (JsonNode)r.DeepClone())]);
        }

        var document = new JsonObject { ["version"] = data.Version, ["rows"] = rows };
        var path = PathIn(prefix);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 65536,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Certificates' private keys are in it: owner only, like the database file should be.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await using (var writer = new Utf8JsonWriter(stream))
            {
                document.WriteTo(writer);
            }

            // On disk before the rename makes it the snapshot.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The saved snapshot, or null when there is none or it cannot be read.</summary>
    public static ConfigData? TryRead(string prefix)
    {
        try
        {
            var document = JsonNode.Parse(File.ReadAllBytes(PathIn(prefix)))!.AsObject();
            var rows = new Dictionary<string, IReadOnlyList<JsonObject>>();
            foreach (var (entity, list) in document["rows"]!.AsObject())
            {
                if (ConfigData.SnapshotEntities.Contains(entity))
                {
                    rows[entity] = [.. list!.AsArray().Select(r => r!.AsObject())];
                }
            }

            return new ConfigData(document["version"]!.GetValue<long>(), rows);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or NullReferenceException)
        {
            return null;
        }
    }
}
