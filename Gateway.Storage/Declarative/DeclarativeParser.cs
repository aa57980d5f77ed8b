using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Turns a declarative config (Kong's kong.yml, <c>_format_version</c> 1.1, 2.1 or 3.0) into the
/// entities it declares, as kong/db/declarative does: nested entities are flattened out of their
/// parents, missing ids are generated deterministically, references by name or id are resolved,
/// every entity is validated by its schema, and uniqueness is checked across the file. Any error
/// throws one <see cref="DeclarativeConfigException"/> carrying all errors of the first failing stage.
/// </summary>
public sealed class DeclarativeParser(SchemaRegistry registry, SchemaValidator validator)
{
    /// <summary>The format versions Kong accepts.</summary>
    public static readonly IReadOnlyList<string> FormatVersions = ["1.1", "2.1", "3.0"];

    private static readonly JsonSerializerOptions CanonicalJson = new() { WriteIndented = false };

    private readonly IReadOnlyList<EntitySchema> _order = EntityOrder.Sort(registry);

    /// <summary>Parses and validates YAML or JSON text.</summary>
    public DeclarativeConfig ParseText(string text) => Parse(DeclarativeText.Parse(text));

    /// <summary>Parses and validates a file.</summary>
    public DeclarativeConfig ParseFile(string path) => Parse(DeclarativeText.ReadFile(path));

    /// <summary>Validates an already parsed document.</summary>
    public DeclarativeConfig Parse(JsonNode? document)
    {
        if (document is not JsonObject parsed)
        {
            throw DeclarativeConfigException.Parsing("expected an object");
        }

        // Re-read as JSON so every value is backed the way the Admin API's are: schema checks read
        // numbers with GetValue<double>, which a YAML integer held as a long refuses.
        var root = JsonNode.Parse(parsed.ToJsonString())!.AsObject();

        var hash = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(root.ToJsonString(CanonicalJson))));
        var (version, transform) = CheckTopLevel(root);
        RoutePathMigration.Apply(root);
        var pending = new List<Pending>();
        var errors = new ErrorTree();
        foreach (var schema in _order)
        {
            if (root[schema.Name] is { } list)
            {
                Flatten(schema, list, [schema.Name], parent: null, pending, errors);
            }
        }

        Throw(errors);
        ResolveReferences(pending, errors);
        var referenceErrors = errors;
        errors = new ErrorTree();
        Validate(pending, transform, errors);
        Throw(errors);
        Throw(referenceErrors);
        CheckConfigReferences(pending, errors);
        Throw(errors);
        CheckUniqueness(pending, errors);
        Throw(errors);

        var entities = _order
            .Select(s => new KeyValuePair<string, IReadOnlyList<JsonObject>>(s.Name, [.. pending.Where(p => p.Schema == s).Select(p => p.Result!)]))
            .ToList();
        return new DeclarativeConfig(version, hash, entities);
    }

    private static void Throw(ErrorTree errors)
    {
        if (!errors.IsEmpty)
        {
            throw new DeclarativeConfigException(errors.Root, errors.General, errors.Flattened);
        }
    }

    private (string Version, bool Transform) CheckTopLevel(JsonObject root)
    {
        var errors = new ErrorTree();
        string? version = null;
        switch (root["_format_version"])
        {
            case null:
                errors.Add(["_format_version"], "required field missing");
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                version = v.GetValue<string>();
                if (!FormatVersions.Contains(version))
                {
                    errors.Add(["_format_version"], $"expected one of: {string.Join(", ", FormatVersions)}");
                }

                break;
            default:
                errors.Add(["_format_version"], "expected a string");
                break;
        }

        var transform = true;
        if (root["_transform"] is { } t)
        {
            if (t.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                transform = t.GetValue<bool>();
            }
            else
            {
                errors.Add(["_transform"], "expected a boolean");
            }
        }

        foreach (var (key, value) in root)
        {
            if (key is "_format_version" or "_transform" or "_comment" or "_ignore" or "_workspace")
            {
                continue;
            }

            if (registry.Find(key) is null)
            {
                errors.Add([key], "unknown field");
            }
            else if (value is not (JsonArray or null))
            {
                errors.Add([key], "expected an array");
            }
        }

        Throw(errors);
        return (version!, transform);
    }

    /// <summary>Collects the entries of one list, and the entities nested in them, depth first.</summary>
    private void Flatten(EntitySchema schema, JsonNode list, List<object> path, Parent? parent, List<Pending> pending, ErrorTree errors)
    {
        if (list is not JsonArray array)
        {
            errors.Add(path, "expected an array");
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            List<object> at = [.. path, i];
            if (array[i] is not JsonObject item)
            {
                errors.Add(at, "expected a record");
                continue;
            }

            var row = new JsonObject();
            var children = new List<(EntitySchema Schema, string Field, JsonNode? List, string Key)>();
            foreach (var (key, value) in item)
            {
                if (key is "_comment" or "_ignore")
                {
                    continue;
                }

                if (NestedChild(schema, key) is { } child)
                {
                    if (value is not null)
                    {
                        children.Add((child.Schema, child.Field, value, key));
                    }

                    continue;
                }

                row[key] = value?.DeepClone();
            }

            if (parent is not null)
            {
                // A nested entity belongs to the entity it is nested in; naming another is an error, as in Kong.
                if (row[parent.Field] is not null)
                {
                    errors.Add(at, new JsonObject { [parent.Field] = "value must be null" }, (schema.Name, item));
                }

                row[parent.Field] = new JsonObject { ["id"] = parent.Id };
            }

            if (row["id"] is null)
            {
                row["id"] = GenerateId(schema, row, parent);
            }

            var entry = new Pending(schema, row, item, at, parent?.Field);
            pending.Add(entry);
            var id = row["id"] is JsonValue idValue && idValue.GetValueKind() == JsonValueKind.String ? idValue.GetValue<string>() : null;
            foreach (var (childSchema, field, childList, key) in children)
            {
                if (id is null)
                {
                    continue;
                }

                Flatten(childSchema, childList!, [.. at, key], new Parent(field, id), pending, errors);
            }
        }
    }

    /// <summary>The child entity a parent may nest under <paramref name="key"/> (<c>routes</c> in a service).</summary>
    private (EntitySchema Schema, string Field)? NestedChild(EntitySchema parent, string key)
    {
        if (registry.Find(key) is not { } child)
        {
            return null;
        }

        var field = child.ForeignFields.FirstOrDefault(f => f.Reference == parent.Name);
        return field is null ? null : (child, field.Name);
    }

    /// <summary>
    /// Kong's rule: from the endpoint key (made relative to the parent when it is not globally unique,
    /// as a target's address), else from the cache key. Entities with neither (certificates) get an id
    /// from their content, so reloading the same file keeps their ids too.
    /// </summary>
    private static string GenerateId(EntitySchema schema, JsonObject row, Parent? parent)
    {
        if (schema.EndpointKey is { } endpointKey && row[endpointKey] is JsonValue keyValue && keyValue.GetValueKind() == JsonValueKind.String)
        {
            var key = keyValue.GetValue<string>();
            if (schema[endpointKey] is not { Unique: true })
            {
                foreach (var foreign in schema.ForeignFields.Where(f => f.OnDelete == OnDelete.Cascade))
                {
                    key += ":" + (parent?.Field == foreign.Name ? parent.Id : ReferenceText(row[foreign.Name]));
                }
            }

            return DeterministicUuid.ForEntity(schema.Name, key);
        }

        if (schema.CacheKey is { } cacheKey && CacheKeyText(schema, cacheKey, row, parent) is { } text)
        {
            return DeterministicUuid.ForEntity(schema.Name, text);
        }

        return DeterministicUuid.ForEntity(schema.Name, row.ToJsonString(CanonicalJson));
    }

    private static string? CacheKeyText(EntitySchema schema, IReadOnlyList<string> cacheKey, JsonObject row, Parent? parent)
    {
        var parts = new List<string> { schema.Name };
        foreach (var name in cacheKey)
        {
            var field = schema[name];
            switch (row[name])
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    parts.Add(v.GetValue<string>());
                    break;
                case null when parent?.Field == name:
                    parts.Add(parent.Id);
                    break;
                case null when field is { Required: true }:
                    return null;
                case null:
                    parts.Add("");
                    break;
                case JsonObject reference when parent?.Field == name && reference["id"] is not null:
                    parts.Add(parent.Id);
                    break;
            }
        }

        return string.Join(':', parts);
    }

    private static string ReferenceText(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o when o["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String => id.GetValue<string>(),
        null => "",
        _ => value.ToJsonString(),
    };

    /// <summary>Turns <c>service: my-service</c> (a name or an id, bare or as an object) into <c>service: {id: ...}</c>.</summary>
    private void ResolveReferences(List<Pending> pending, ErrorTree errors)
    {
        var byId = new Dictionary<(string, string), string>();
        var byKey = new Dictionary<(string, string), string>();
        foreach (var entry in pending)
        {
            if (entry.Row["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String)
            {
                var idText = id.GetValue<string>();
                byId.TryAdd((entry.Schema.Name, idText), idText);
                if (entry.Schema.EndpointKey is { } key && entry.Row[key] is JsonValue k && k.GetValueKind() == JsonValueKind.String)
                {
                    byKey.TryAdd((entry.Schema.Name, k.GetValue<string>()), idText);
                }
            }
        }

        foreach (var entry in pending)
        {
            foreach (var field in entry.Schema.ForeignFields)
            {
                if (field.Name == entry.ParentField || entry.Row[field.Name] is not { } value)
                {
                    continue;
                }

                var target = field.Reference!;
                var key = value switch
                {
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    JsonObject { Count: 1 } o when o.First().Value is JsonValue v && v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    _ => null,
                };
                if (key is null)
                {
                    // Left for the schema to refuse with its own message.
                    continue;
                }

                if (byKey.TryGetValue((target, key), out var found) || byId.TryGetValue((target, key), out found))
                {
                    entry.Row[field.Name] = new JsonObject { ["id"] = found };
                    continue;
                }

                var shown = value is JsonValue ? key : value.ToJsonString();
                errors.Add([entry.Schema.Name, entry.Label], new JsonArray($"invalid reference '{field.Name}: {shown}' (no such entry in '{target}')"), entry.Blame);
                entry.Row[field.Name] = null;
            }
        }
    }

    private void Validate(List<Pending> pending, bool transform, ErrorTree errors)
    {
        foreach (var entry in pending)
        {
            var input = (JsonObject)entry.Row.DeepClone();
            var fieldErrors = new ValidationErrors();
            var result = validator.Validate(entry.Schema, input, existing: null, fieldErrors);
            if (result is null)
            {
                errors.Add(entry.Path, fieldErrors.ToJson(), entry.Blame);
                continue;
            }

            foreach (var field in entry.Schema.Fields)
            {
                // What the file says wins over what validation stamps: timestamps of an export, and
                // (with _transform: false) values such as password hashes that are stored already encoded.
                var keep = (field.Timestamp && entry.Row[field.Name] is JsonValue) || (!transform && field.Encode is not null && entry.Row.ContainsKey(field.Name));
                if (keep)
                {
                    result[field.Name] = entry.Row[field.Name]?.DeepClone();
                }
            }

            entry.Result = result;
        }
    }

    /// <summary>A plugin config's <see cref="Field.RefersTo"/> strings must name an entity of the file, by id or endpoint key.</summary>
    private void CheckConfigReferences(List<Pending> pending, ErrorTree errors)
    {
        var named = new HashSet<(string Entity, string Key)>();
        foreach (var entry in pending)
        {
            named.Add((entry.Schema.Name, entry.Result!["id"]!.GetValue<string>()));
            if (entry.Schema.EndpointKey is { } key && entry.Result[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                named.Add((entry.Schema.Name, value.GetValue<string>()));
            }
        }

        foreach (var entry in pending)
        {
            if (entry.Schema.SubschemaKey is { } key && entry.Result![key] is JsonValue name && name.GetValueKind() == JsonValueKind.String
                && registry.FindPlugin(name.GetValue<string>()) is { } plugin
                && ConfigReferences.Of(plugin, entry.Result["config"]).Where(r => !named.Contains((r.Entity, r.Key))).ToList() is { Count: > 0 } missing)
            {
                errors.Add(entry.Path, ConfigReferences.Missing(missing).ToJson(), entry.Blame);
            }
        }
    }

    private static void CheckUniqueness(List<Pending> pending, ErrorTree errors)
    {
        var seen = new Dictionary<(string Entity, string Field, string Value), Pending>();
        foreach (var entry in pending)
        {
            var schema = entry.Schema;
            var id = entry.Result!["id"]!.GetValue<string>();
            if (!seen.TryAdd((schema.Name, "id", id), entry))
            {
                errors.Add(entry.Path, $"uniqueness violation: '{schema.Name}' entity with primary key set to '{id}' already declared", entry.Blame);
                continue;
            }

            foreach (var field in schema.UniqueFields)
            {
                if (entry.Result[field.Name] is not JsonValue value)
                {
                    continue;
                }

                var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                if (seen.TryAdd((schema.Name, field.Name, text), entry))
                {
                    continue;
                }

                var message = $"uniqueness violation: '{schema.Name}' entity with {field.Name} set to '{text}' already declared";
                if (field.Name == schema.EndpointKey)
                {
                    errors.Add(entry.Path, message, entry.Blame);
                }
                else
                {
                    errors.Add([schema.Name, entry.Label], message, entry.Blame);
                }

                break;
            }
        }
    }

    private sealed record Parent(string Field, string Id);

    /// <summary>One entity on its way through the stages.</summary>
    private sealed class Pending(EntitySchema schema, JsonObject row, JsonObject source, List<object> path, string? parentField)
    {
        public EntitySchema Schema { get; } = schema;

        /// <summary>The entity's own fields, with its parent reference and id filled in.</summary>
        public JsonObject Row { get; } = row;

        /// <summary>Where the entity sits in the file, for errors.</summary>
        public List<object> Path { get; } = path;

        /// <summary>The foreign field set by nesting, if any.</summary>
        public string? ParentField { get; } = parentField;

        /// <summary>The entity type and the entry as written, for flattened errors.</summary>
        public (string Type, JsonObject Source) Blame => (Schema.Name, source);

        /// <summary>The validated entity.</summary>
        public JsonObject? Result { get; set; }

        /// <summary>How Kong names the entity in errors that are not positional: its endpoint key, else its id.</summary>
        public string Label =>
            (Schema.EndpointKey is { } key && source[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null)
            ?? (Row["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String ? id.GetValue<string>() : Path[^1].ToString()!);
    }
}
