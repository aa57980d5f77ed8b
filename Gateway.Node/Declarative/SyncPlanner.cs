using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Declarative;

namespace Gateway.Node.Declarative;

/// <summary>
/// Compares a file's config with one cluster's, entity type by entity type, parents first. Entities are
/// matched by what names them rather than by id, since each cluster has its own database and ids: the
/// endpoint key when it is unique (a service's name, a consumer's username), else the cache key (a
/// plugin's name and scope, a target's upstream and address), else a certificate's PEM, else the id.
/// </summary>
public sealed class SyncPlanner(SchemaRegistry registry)
{
    private static readonly string[] Stamps = ["id", "created_at", "updated_at"];

    private readonly IReadOnlyList<EntitySchema> _order = EntityOrder.Sort(registry);

    /// <summary>The changes that bring <paramref name="current"/> to <paramref name="desired"/>; creates and updates parents first, deletes children first.</summary>
    public SyncPlan Plan(DeclarativeConfig desired, IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> current)
    {
        var clusterToFile = new Dictionary<string, string>(StringComparer.Ordinal);
        var fileToCluster = new Dictionary<string, string>(StringComparer.Ordinal);
        var writes = new List<SyncChange>();
        var deletes = new List<SyncChange>();
        foreach (var schema in _order)
        {
            var theirs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var row in current.GetValueOrDefault(schema.Name) ?? [])
            {
                theirs.TryAdd(Key(schema, row, clusterToFile), row);
            }

            foreach (var row in desired[schema.Name])
            {
                var id = Id(row);
                if (theirs.Remove(Key(schema, row, null), out var match))
                {
                    clusterToFile[Id(match)] = id;
                    fileToCluster[id] = Id(match);
                    var differences = Compare(schema, row, match, clusterToFile);
                    if (differences.Count > 0)
                    {
                        writes.Add(new SyncChange(SyncKind.Update, schema, Label(schema, row), row, match, differences));
                    }
                }
                else
                {
                    fileToCluster[id] = id;
                    writes.Add(new SyncChange(SyncKind.Create, schema, Label(schema, row), row, null, []));
                }
            }

            deletes.AddRange(theirs.Values.Select(row => new SyncChange(SyncKind.Delete, schema, Label(schema, row), null, row, [])));
        }

        deletes.Reverse();

        // A delete that frees a unique value (a custom_id, a plugin's scope) that a create or update takes
        // must run first, or the write would collide with the entity about to go.
        var taken = writes.SelectMany(w => UniqueTokens(w.Schema, w.Desired!, null)).ToHashSet(StringComparer.Ordinal);
        var early = deletes.Where(d => UniqueTokens(d.Schema, d.Current!, clusterToFile).Any(taken.Contains)).ToList();
        return new SyncPlan([.. early, .. writes, .. deletes.Except(early)], fileToCluster);
    }

    /// <summary>Every value of the entity that no other entity of its type may hold, foreign ids in the file's ids.</summary>
    private static IEnumerable<string> UniqueTokens(EntitySchema schema, JsonObject row, IReadOnlyDictionary<string, string>? translate)
    {
        foreach (var field in schema.UniqueFields)
        {
            if (row[field.Name] is JsonValue value)
            {
                yield return $"{schema.Name}.{field.Name}={Text(value)}";
            }
        }

        if (schema.CacheKey is not null)
        {
            yield return $"{schema.Name}.{Key(schema with { EndpointKey = null }, row, translate)}";
        }
    }

    /// <summary>What names the entity, with foreign ids translated into the file's ids where known.</summary>
    private static string Key(EntitySchema schema, JsonObject row, IReadOnlyDictionary<string, string>? translate)
    {
        if (schema.EndpointKey is { } endpointKey && schema[endpointKey] is { Unique: true } && row[endpointKey] is JsonValue value)
        {
            return "key:" + Text(value);
        }

        if (schema.CacheKey is { } cacheKey)
        {
            return "cache:" + string.Join('\u001f', cacheKey.Select(name => schema[name] is { Type: FieldType.Foreign }
                ? ForeignId(row, name) is { } foreign ? (translate?.GetValueOrDefault(foreign) ?? foreign) : "null"
                : row[name]?.ToJsonString() ?? "null"));
        }

        if (row["cert"] is JsonValue cert)
        {
            return "cert:" + Text(cert).Trim();
        }

        return "id:" + Id(row);
    }

    private static List<string> Compare(EntitySchema schema, JsonObject desired, JsonObject current, IReadOnlyDictionary<string, string> clusterToFile)
    {
        var differences = new List<string>();
        foreach (var field in schema.Fields.Where(f => !Stamps.Contains(f.Name)))
        {
            var want = desired[field.Name];
            var have = current[field.Name];
            if (field.Type == FieldType.Foreign && ForeignId(current, field.Name) is { } id)
            {
                have = new JsonObject { ["id"] = clusterToFile.GetValueOrDefault(id) ?? id };
            }

            if (field.Encode is not null)
            {
                if (!EncodedMatches(want, have))
                {
                    differences.Add($"{field.Name}: (changed)");
                }

                continue;
            }

            if (!JsonNode.DeepEquals(want, have))
            {
                differences.Add($"{field.Name}: {Show(have)} -> {Show(want)}");
            }
        }

        return differences;
    }

    /// <summary>A stored hash matches the file's plain value when it verifies (basic-auth passwords are bcrypt).</summary>
    private static bool EncodedMatches(JsonNode? plain, JsonNode? stored)
    {
        if (plain is not JsonValue p || stored is not JsonValue s)
        {
            return plain is null && stored is null;
        }

        var (plainText, storedText) = (Text(p), Text(s));
        if (plainText == storedText)
        {
            return true;
        }

        try
        {
            return storedText.StartsWith("$2", StringComparison.Ordinal) && BCrypt.Net.BCrypt.Verify(plainText, storedText);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    /// <summary>The entity's name in the diff.</summary>
    public static string Label(EntitySchema schema, JsonObject row) =>
        schema.EndpointKey is { } key && row[key] is JsonValue value ? Text(value) : Id(row);

    /// <summary>The id a foreign field of <paramref name="row"/> holds, or null.</summary>
    public static string? ForeignId(JsonObject row, string field) =>
        row[field] is JsonObject reference && reference["id"] is JsonValue id ? Text(id) : null;

    private static string Id(JsonObject row) => row["id"]!.GetValue<string>();

    private static string Text(JsonValue value) => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
}

/// <summary>The changes for one cluster, in the order to apply them, and the cluster id of every entity of the file.</summary>
public sealed record SyncPlan(IReadOnlyList<SyncChange> Changes, IReadOnlyDictionary<string, string> FileToCluster);
