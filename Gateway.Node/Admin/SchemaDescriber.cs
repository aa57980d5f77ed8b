using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Node.Admin;

/// <summary>
/// Renders schemas as Kong's <c>/schemas</c> endpoints do (kong/api/routes/kong.lua, api_helpers.schema_to_jsonable):
/// <c>{"fields":[{"name":{"type":...}}],"entity_checks":[...]}</c>, with <c>"ttl": true</c> for a schema whose writes
/// take a ttl.
/// </summary>
public static class SchemaDescriber
{
    /// <summary>An entity schema.</summary>
    public static JsonObject Describe(EntitySchema schema)
    {
        var json = new JsonObject
        {
            ["fields"] = Fields(schema.Fields),
            ["entity_checks"] = CheckDescriptions.Of(schema.Checks),
        };
        if (schema.Ttl)
        {
            json["ttl"] = true;
        }

        return json;
    }

    /// <summary>
    /// A plugin's own schema (<c>/schemas/plugins/{name}</c>): the fields its schema.lua declares. Its config checks
    /// are Kong's plugin-level <c>entity_checks</c>, which name the fields "config.…".
    /// </summary>
    public static JsonObject Describe(PluginSchema plugin) => new()
    {
        ["fields"] = Fields(plugin.Fields, liftChecksOf: "config"),
        ["entity_checks"] = CheckDescriptions.Of(plugin.Config.Checks ?? []),
    };

    private static JsonArray Fields(IEnumerable<Field> fields, string? liftChecksOf = null) =>
        new([.. fields.Select(f => (JsonNode)new JsonObject { [f.Name] = Describe(f, withChecks: f.Name != liftChecksOf) })]);

    private static JsonObject Describe(Field field, bool withChecks = true)
    {
        var json = new JsonObject { ["type"] = field.Type.ToString().ToLowerInvariant() };
        Add(json, "required", field.Required);
        Add(json, "unique", field.Unique);
        Add(json, "auto", field.Auto);
        Add(json, "uuid", field.Uuid);
        Add(json, "timestamp", field.Timestamp);
        Add(json, "referenceable", field.Referenceable);
        if (field.MustBeNull)
        {
            json["eq"] = null;
        }

        if (field.Default is not null)
        {
            json["default"] = field.Default.DeepClone();
        }

        if (field.OneOf is { } oneOf)
        {
            json["one_of"] = new JsonArray([.. oneOf.Select(o => (JsonNode)JsonValue.Create(o))]);
        }

        if (field.Between is { } between)
        {
            json["between"] = new JsonArray(between.Min, between.Max);
        }

        if (field.Gt is { } gt)
        {
            json["gt"] = gt;
        }

        if (field.LenMin is { } lenMin)
        {
            json["len_min"] = lenMin;
        }

        if (field.LenMax is { } lenMax)
        {
            json["len_max"] = lenMax;
        }

        if (field.StartsWith is { } startsWith)
        {
            json["starts_with"] = startsWith;
        }

        if (field.Reference is { } reference)
        {
            json["reference"] = reference;
            json["on_delete"] = field.OnDelete == OnDelete.Cascade ? "cascade" : "restrict";
        }

        if (field.Elements is { } elements)
        {
            json["elements"] = Describe(elements);
        }

        if (field.Keys is { } keys)
        {
            json["keys"] = Describe(keys);
        }

        if (field.Values is { } values)
        {
            json["values"] = Describe(values);
        }

        if (field.Fields is { } nested)
        {
            json["fields"] = Fields(nested);
        }

        if (withChecks && field.Checks is { Count: > 0 } checks && CheckDescriptions.Of(checks) is { Count: > 0 } described)
        {
            json["entity_checks"] = described;
        }

        if (field.Description is { } description)
        {
            json["description"] = description;
        }

        return json;
    }

    private static void Add(JsonObject json, string name, bool flag)
    {
        if (flag)
        {
            json[name] = true;
        }
    }
}
