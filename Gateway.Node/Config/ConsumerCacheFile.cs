using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Cluster.Consumers;

namespace Gateway.Node.Config;

/// <summary>
/// The consumer cache on disk (prefix/consumer-cache.json): the consumers and credentials this node looked up, as
/// the store holds them (key-auth keys as Kong stores them, basic-auth passwords as their hashes), with the config
/// version they were current at. Owner only (0600), like the snapshot beside it.
/// </summary>
public static class ConsumerCacheFile
{
    /// <summary>The file name inside prefix/.</summary>
    public const string FileName = "consumer-cache.json";

    /// <summary>The file's path under <paramref name="prefix"/>.</summary>
    public static string PathIn(string prefix) => Path.Combine(prefix, FileName);

    /// <summary>Writes <paramref name="rows"/>, found at config version <paramref name="version"/>, atomically.</summary>
    public static Task WriteAsync(string prefix, long version, IReadOnlyList<CachedConsumerRow> rows, CancellationToken cancellationToken = default) =>
        PrivateFile.WriteJsonAsync(PathIn(prefix), writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", version);
            writer.WriteStartArray("rows");
            foreach (var row in rows)
            {
                writer.WriteStartObject();
                writer.WriteString("entity", row.Entity);
                writer.WriteString("field", row.Field);
                writer.WriteString("value", row.Value);
                writer.WritePropertyName("row");
                writer.WriteRawValue(row.Json);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }, cancellationToken);

    /// <summary>The saved cache and its version, or null when there is none or it cannot be read.</summary>
    public static (long Version, IReadOnlyList<CachedConsumerRow> Rows)? TryRead(string prefix)
    {
        try
        {
            var document = Required(JsonNode.Parse(File.ReadAllBytes(PathIn(prefix))), "the document").AsObject();
            var rows = Required(document["rows"], "rows").AsArray()
                .Select(r => Required(r, "a row").AsObject())
                .Select(r => new CachedConsumerRow(
                    Text(r, "entity"), Text(r, "field"), Text(r, "value"), Required(r["row"], "row").AsObject().ToJsonString()));
            return (Required(document["version"], "version").GetValue<long>(), [.. rows]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            // Unreadable, not JSON, or a member missing (JsonException) or of another kind (InvalidOperationException).
            return null;
        }
    }

    private static string Text(JsonObject row, string name) => Required(row[name], name).GetValue<string>();

    private static JsonNode Required(JsonNode? node, string name) => node ?? throw new JsonException($"{FileName}: no {name}");
}
