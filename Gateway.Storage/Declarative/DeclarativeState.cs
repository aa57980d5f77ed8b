using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Storage.Declarative;

/// <summary>
/// One loaded declarative config with the indexes the store reads through: rows by id in id order,
/// unique fields, foreign references and tags. Immutable; replaced as a whole.
/// </summary>
internal sealed class DeclarativeState
{
    private static readonly IReadOnlyList<JsonObject> NoRows = [];

    private readonly FrozenDictionary<string, IReadOnlyList<JsonObject>> _rows;
    private readonly FrozenDictionary<(string Entity, string Id), JsonObject> _byId;
    private readonly FrozenDictionary<(string Entity, string Field, string Value), JsonObject> _byField;

    public DeclarativeState(long version, DeclarativeConfig config, SchemaRegistry registry)
    {
        Version = version;
        Config = config;
        var rows = new Dictionary<string, IReadOnlyList<JsonObject>>();
        var byId = new Dictionary<(string, string), JsonObject>();
        var byField = new Dictionary<(string, string, string), JsonObject>();
        var tags = new List<TagRow>();
        foreach (var (entity, list) in config.Entities)
        {
            var schema = registry.Get(entity);
            var sorted = list.OrderBy(r => Id(r), StringComparer.Ordinal).ToList();
            rows[entity] = sorted;
            foreach (var row in sorted)
            {
                byId[(entity, Id(row))] = row;
                foreach (var field in schema.Fields.Where(f => f.Unique || f.Name == schema.EndpointKey))
                {
                    if (row[field.Name] is JsonValue value)
                    {
                        byField.TryAdd((entity, field.Name, Text(value)), row);
                    }
                }

                if (row["tags"] is JsonArray rowTags)
                {
                    tags.AddRange(rowTags.OfType<JsonValue>().Select(t => new TagRow(t.GetValue<string>(), entity, Id(row))));
                }
            }
        }

        _rows = rows.ToFrozenDictionary();
        _byId = byId.ToFrozenDictionary();
        _byField = byField.ToFrozenDictionary();
        Tags = [.. tags.Distinct().OrderBy(t => t.Tag, StringComparer.Ordinal).ThenBy(t => t.EntityName, StringComparer.Ordinal).ThenBy(t => t.EntityId, StringComparer.Ordinal)];
    }

    /// <summary>The config version this state was published as.</summary>
    public long Version { get; }

    /// <summary>The config as validated.</summary>
    public DeclarativeConfig Config { get; }

    /// <summary>Every (tag, entity, id), ordered.</summary>
    public IReadOnlyList<TagRow> Tags { get; }

    public IReadOnlyList<JsonObject> Rows(string entity) => _rows.GetValueOrDefault(entity) ?? NoRows;

    public JsonObject? Get(string entity, string id) => _byId.GetValueOrDefault((entity, id));

    public JsonObject? GetByField(string entity, string field, string value) => _byField.GetValueOrDefault((entity, field, value));

    public static string Id(JsonObject row) => row["id"]!.GetValue<string>();

    private static string Text(JsonValue value) => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
}
