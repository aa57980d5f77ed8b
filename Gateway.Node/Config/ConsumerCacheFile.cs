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
            var document = JsonNode.Parse(File.ReadAllBytes(PathIn(prefix)))!.AsObject();
            var rows = document["rows"]!.AsArray()
                .Select(r => r!.AsObject())
                .Select(r => new CachedConsumerRow(
                    r["entity"]!.GetValue<string>(), r["field"]!.GetValue<string>(), r["value"]!.GetValue<string>(), r["row"]!.AsObject().ToJsonString()));
            return (document["version"]!.GetValue<long>(), [.. rows]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or NullReferenceException)
        {
            return null;
        }
    }
}
